import { constants, createPublicKey, publicDecrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import {
  assertDigestLength,
  digestInfo,
  getAlgorithm,
  type SignatureAlgorithmId,
} from '../../algorithms/algorithms.js';
import { emsaPssVerify } from '../../algorithms/emsa-pss.js';
import { SignetError } from '../../errors/errors.js';

export interface VerifyDigestParams {
  /** DER SubjectPublicKeyInfo of the signing key. */
  publicKey: Uint8Array;
  algorithm: SignatureAlgorithmId;
  /** The digest that was signed. */
  digest: Uint8Array;
  /** The signature bytes (ECDSA: DER). */
  signature: Uint8Array;
}

const NOBLE = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/**
 * Checks a signature over a precomputed digest. Node verifies only messages it hashes itself, so
 * RSA is checked through raw public decryption (DigestInfo or EMSA-PSS) and ECDSA through
 * @noble/curves; neither touches a secret, so speed and constant time do not matter here.
 *
 * @returns whether the signature is valid; malformed signatures are simply invalid.
 * @throws SignetError `DIGEST_LENGTH_MISMATCH`, `UNSUPPORTED_ALGORITHM`, `ALGORITHM_KEY_MISMATCH`,
 * `INVALID_ARGUMENT` (a public key that does not parse)
 */
export function verifyDigestSignature(params: VerifyDigestParams): boolean {
  const algorithm = getAlgorithm(params.algorithm);
  assertDigestLength(algorithm, params.digest);
  const key = parsePublicKey(params.publicKey);
  const details = key.asymmetricKeyDetails ?? {};
  if (algorithm.keyType !== key.asymmetricKeyType) throw mismatch(params.algorithm, key);
  if (algorithm.scheme === 'ecdsa') {
    const jwk = key.export({ format: 'jwk' });
    if (jwk.crv !== algorithm.curve) throw mismatch(params.algorithm, key);
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    try {
      return NOBLE[algorithm.curve!].verify(params.signature, params.digest, point, {
        prehash: false,
        lowS: false,
        format: 'der',
      });
    } catch {
      return false;
    }
  }
  const bits = details.modulusLength!;
  if (params.signature.length !== Math.ceil(bits / 8)) return false;
  try {
    if (algorithm.scheme === 'pss') {
      const encoded = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, params.signature);
      return emsaPssVerify(algorithm.hash, params.digest, encoded, bits);
    }
    const expected = digestInfo(algorithm.hash, params.digest);
    const actual = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, params.signature);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

function parsePublicKey(spki: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new SignetError('INVALID_ARGUMENT', 'The public key is not a DER SubjectPublicKeyInfo', { cause });
  }
}

function mismatch(algorithm: string, key: KeyObject): SignetError {
  return new SignetError(
    'ALGORITHM_KEY_MISMATCH',
    `${algorithm} does not fit this ${key.asymmetricKeyType} public key`,
  );
}
