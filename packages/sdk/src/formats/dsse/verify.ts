import { createHash, createPublicKey } from 'node:crypto';
import { getAlgorithm, type SignatureAlgorithmId } from '../../algorithms/algorithms.js';
import { SignetError } from '../../errors/errors.js';
import { verifyDigestSignature } from '../raw/verify-digest.js';
import { parseSigstoreBundle, type ParsedSigstoreBundle } from './bundle.js';
import { parseDsseEnvelope, type ParsedDsseEnvelope } from './envelope.js';
import { preAuthEncoding } from './pae.js';
import { IN_TOTO_PAYLOAD_TYPE, parseInTotoStatement, type InTotoStatement } from './statement.js';

export interface DsseVerifyOptions {
  /** The signer's public key, DER SubjectPublicKeyInfo. */
  publicKey: Uint8Array;
  /**
   * The algorithm the signature was made with. Default: ECDSA with the curve's hash for an EC key
   * (P-256: SHA-256), `rsa-pkcs1-sha256` for an RSA key.
   */
  algorithm?: SignatureAlgorithmId;
}

/**
 * Checks a DSSE envelope (object or JSON text): one of its signatures must be `publicKey`'s over
 * PAE(payloadType, payload).
 *
 * @returns the decoded envelope
 * @throws SignetError `INVALID_FORMAT`, `VERIFICATION_FAILED`, `INVALID_ARGUMENT` (a bad key),
 * `ALGORITHM_KEY_MISMATCH`
 */
export function verifyDsse(envelope: unknown, options: DsseVerifyOptions): ParsedDsseEnvelope {
  const parsed = parseDsseEnvelope(envelope);
  const algorithm = getAlgorithm(options.algorithm ?? defaultAlgorithm(options.publicKey));
  const digest = createHash(algorithm.hash).update(preAuthEncoding(parsed.payloadType, parsed.payload)).digest();
  const valid = parsed.signatures.some(({ sig }) =>
    verifyDigestSignature({ publicKey: options.publicKey, algorithm: algorithm.id, digest, signature: sig }),
  );
  if (!valid) throw new SignetError('VERIFICATION_FAILED', 'No DSSE signature verifies with this public key');
  return parsed;
}

/** A verified bundle: its parts, and the in-toto statement when the payload is one. */
export interface VerifiedSigstoreBundle extends ParsedSigstoreBundle {
  statement?: InTotoStatement;
}

/**
 * Checks a public-key DSSE Sigstore bundle as {@link toSigstoreBundle} writes it: the envelope's
 * signature with `publicKey`, and an in-toto payload's shape. (Sigstore's own verifier is the
 * reference; this one needs no trust root and reads the statement for you.)
 *
 * @throws SignetError `INVALID_FORMAT`, `VERIFICATION_FAILED`
 */
export function verifySigstoreBundle(bundle: unknown, options: DsseVerifyOptions): VerifiedSigstoreBundle {
  const parsed = parseSigstoreBundle(bundle);
  const [signature] = parsed.envelope.signatures;
  verifyDsse(
    {
      payloadType: parsed.envelope.payloadType,
      payload: parsed.envelope.payload.toString('base64'),
      signatures: [{ keyid: signature!.keyid, sig: signature!.sig.toString('base64') }],
    },
    options,
  );
  return parsed.envelope.payloadType === IN_TOTO_PAYLOAD_TYPE
    ? { ...parsed, statement: parseInTotoStatement(parsed.envelope.payload) }
    : parsed;
}

function defaultAlgorithm(spki: Uint8Array): SignatureAlgorithmId {
  let curve: string | undefined;
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType === 'rsa') return 'rsa-pkcs1-sha256';
    curve = key.asymmetricKeyType === 'ec' ? key.export({ format: 'jwk' }).crv : undefined;
  } catch (cause) {
    throw new SignetError('INVALID_ARGUMENT', 'The public key is not a DER SubjectPublicKeyInfo', { cause });
  }
  if (curve === 'P-256') return 'ecdsa-p256-sha256';
  if (curve === 'P-384') return 'ecdsa-p384-sha384';
  if (curve === 'P-521') return 'ecdsa-p521-sha512';
  throw new SignetError('UNSUPPORTED_ALGORITHM', 'DSSE verification supports RSA and NIST P-256/384/521 keys');
}
