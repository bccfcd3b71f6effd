import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { SignatureAlgorithm } from '../algorithms/algorithms.js';

export interface SignedBytes {
  algorithm: SignatureAlgorithm;
  /** The bytes that were hashed and signed (a TBSCertificate, a CMS signed-attributes SET). */
  data: Uint8Array;
  /** The signature (ECDSA: DER Ecdsa-Sig-Value; RSA: modulus-size bytes). */
  signature: Uint8Array;
  /** DER SubjectPublicKeyInfo of the signer. */
  publicKey: Uint8Array;
}

/**
 * Checks a signature over bytes a verifier holds in full. Node hashes them itself, so this is
 * the native route: RSA PKCS#1 v1.5, RSA-PSS (salt = digest length, MGF1 with the same hash) and
 * ECDSA with a DER signature.
 *
 * @returns whether the signature is valid; a key or signature that does not parse is invalid.
 * @example verifySignedBytes({ algorithm, data: tbs, signature, publicKey: issuerSpki }) // true
 */
export function verifySignedBytes(params: SignedBytes): boolean {
  const { algorithm } = params;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(params.publicKey), format: 'der', type: 'spki' });
  } catch {
    return false;
  }
  const options =
    algorithm.scheme === 'pss'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.digestLength }
      : algorithm.scheme === 'ecdsa'
        ? { key, dsaEncoding: 'der' as const }
        : { key, padding: constants.RSA_PKCS1_PADDING };
  try {
    return verify(algorithm.hash, params.data, options, params.signature);
  } catch {
    return false;
  }
}
