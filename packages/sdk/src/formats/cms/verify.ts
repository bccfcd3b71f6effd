import { timingSafeEqual } from 'node:crypto';
import type { SignatureAlgorithm } from '../../algorithms/algorithms.js';
import { digestFile } from '../../digest/file-digest.js';
import { isSignetError, SignetError, throwIfAborted } from '../../errors/errors.js';
import { algorithmFromIdentifiers } from '../../x509/algorithm-identifier.js';
import { describeCertificate, parseCertificate, type CertificateSummary } from '../../x509/certificate.js';
import { buildTrustedChain } from '../../x509/chain.js';
import { verifySignedBytes } from '../../x509/verify-signature.js';
import { decodeCms } from './armor.js';
import type { TimestampInfo } from '../../timestamp/timestamp.js';
import { readSignedAttributes } from './attributes.js';
import { parseCms } from './parse.js';
import { findSignerCertificate } from './signer-certificate.js';
import { readSignatureTimestamp } from './timestamp-attribute.js';

/** The signed artifact: its digest (with the signature's hash), or its path to hash here. */
export type CmsVerifyInput = { digest: Uint8Array } | { path: string };

export interface CmsVerifyOptions {
  /** DER certificates to trust (roots, or a pinned signer certificate). Default none: `trusted` is false. */
  trustedCertificates?: readonly Uint8Array[];
  /** When the chain must be valid. Default: now. */
  now?: Date;
  /** DER certificates to trust for a timestamp's TSA. Default none: `timestamp.trusted` is false. */
  trustedTimestampCertificates?: readonly Uint8Array[];
  signal?: AbortSignal;
}

/** What a valid CMS signature says. */
export interface CmsVerification {
  /** The certificate that signed. */
  readonly signer: CertificateSummary;
  readonly algorithm: SignatureAlgorithm;
  /** The signing-time attribute, a claim of the signer; absent when the signature has none. */
  readonly signingTime?: Date;
  /** The artifact digest the signature covers. */
  readonly digest: Uint8Array;
  /** Whether the signer's chain reaches one of `trustedCertificates` (never without them). */
  readonly trusted: boolean;
  /** The chain to the trusted certificate, signer first; empty when not trusted. */
  readonly chain: readonly CertificateSummary[];
  /**
   * The RFC 3161 timestamp over the signature value, when the signature carries one: its token
   * verified and its imprint is the digest of this signature's value.
   */
  readonly timestamp?: TimestampInfo;
}

/** Codes that pass through unchanged; anything else after parsing means the signature does not verify. */
const PASS_THROUGH = ['VERIFICATION_FAILED', 'DIGEST_LENGTH_MISMATCH', 'IO_ERROR', 'ABORTED'] as const;

/**
 * Verifies a detached CMS/PKCS#7 signature (DER, or PEM `PKCS7`/`CMS`) against an artifact: the
 * messageDigest attribute equals the artifact's digest, the content type matches, and the signer
 * certificate's key verifies the signature over the signed attributes. With
 * `trustedCertificates`, it also builds the chain to one of them (signatures and validity at `now`).
 * A timestamp token in the unsigned attributes must verify and be over the signature value.
 *
 * @throws SignetError `INVALID_FORMAT` (not a CMS SignedData with one signer),
 * `VERIFICATION_FAILED` (the message says what did not match), `DIGEST_LENGTH_MISMATCH` (a digest
 * whose length is not that of the signature's hash), `INVALID_CERTIFICATE` (a trusted certificate
 * that does not parse), `IO_ERROR`.
 * @example
 * ```ts
 * const result = await verifyCms(await readFile('app.tgz.p7s'), { path: 'app.tgz' }, { trustedCertificates: [rootDer] });
 * console.log(result.signer.subject, result.trusted);
 * ```
 */
export async function verifyCms(
  signature: Uint8Array | string,
  input: CmsVerifyInput,
  options: CmsVerifyOptions = {},
): Promise<CmsVerification> {
  const { signedData, signerInfo, certificates } = parseCms(decodeCms(signature));
  // A trusted certificate that does not parse is the caller's mistake, not a bad signature: report it as such.
  options.trustedCertificates?.forEach((der) => parseCertificate(der));
  try {
    const signerCert = findSignerCertificate(signerInfo, certificates);
    const signerDer = new Uint8Array(signerCert.toSchema().toBER(false));
    const signer = describeCertificate(signerDer);
    const algorithm = algorithmFromIdentifiers({
      signature: signerInfo.signatureAlgorithm,
      digest: signerInfo.digestAlgorithm,
      publicKey: signerCert.subjectPublicKeyInfo,
    });
    const attributes = readSignedAttributes(signerInfo);
    if (attributes.contentType !== signedData.encapContentInfo.eContentType) {
      throw failed('The content type attribute does not match the signed content type');
    }
    const signatureValue = signerInfo.signature.valueBlock.valueHexView;
    if (
      !verifySignedBytes({ algorithm, data: attributes.der, signature: signatureValue, publicKey: signer.publicKey })
    ) {
      throw failed(`The signature is not valid for the key of ${signer.subject}`);
    }
    const digest = await artifactDigest(input, algorithm, options.signal);
    if (digest.length !== attributes.messageDigest.length || !timingSafeEqual(digest, attributes.messageDigest)) {
      throw failed('The file does not match the signature (its digest differs from the signed one)');
    }
    const timestamp = readSignatureTimestamp(signerInfo, options.trustedTimestampCertificates);
    const embedded = certificates.map((c) => new Uint8Array(c.toSchema().toBER(false)));
    const chain = options.trustedCertificates
      ? buildTrustedChain(signerDer, {
          trusted: options.trustedCertificates,
          intermediates: embedded,
          now: options.now,
        })
      : undefined;
    return {
      signer,
      algorithm,
      ...(attributes.signingTime ? { signingTime: attributes.signingTime } : {}),
      digest: attributes.messageDigest,
      trusted: chain !== undefined,
      chain: (chain ?? []).map((der) => describeCertificate(der)),
      ...(timestamp ? { timestamp } : {}),
    };
  } catch (cause) {
    if (isSignetError(cause, ...PASS_THROUGH)) throw cause;
    throw failed(`The signature cannot be verified: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
}

async function artifactDigest(
  input: CmsVerifyInput,
  algorithm: SignatureAlgorithm,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  throwIfAborted(signal);
  if ('path' in input)
    return (await digestFile(input.path, { hashes: [algorithm.hash], signal })).digests[algorithm.hash]!;
  if (!(input.digest instanceof Uint8Array) || input.digest.length !== algorithm.digestLength) {
    throw new SignetError(
      'DIGEST_LENGTH_MISMATCH',
      `The signature uses ${algorithm.hash}: pass a ${algorithm.digestLength}-byte digest or the file's path`,
      {
        details: { algorithm: algorithm.id, expected: algorithm.digestLength },
      },
    );
  }
  return input.digest;
}

function failed(message: string, cause?: unknown): SignetError {
  return new SignetError('VERIFICATION_FAILED', message, cause === undefined ? {} : { cause });
}
