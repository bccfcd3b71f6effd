import {
  getAlgorithm,
  type HashAlgorithm,
  type NamedCurve,
  type SignatureAlgorithm,
  type SignatureAlgorithmId,
} from '../../algorithms/algorithms.js';
import { SignetError } from '../../errors/errors.js';
import type { KeyInfo } from '../../provider/provider.js';

/*
 * Signet algorithms in OpenPGP terms (RFC 9580 §9.1, §9.2, §9.5). v4 OpenPGP signs RSA with
 * PKCS#1 v1.5 only (EMSA-PKCS1-v1_5 over the hash, exactly what a digest signer's `rsa-pkcs1-*`
 * does); there is no PSS. ECDSA takes the NIST curves by OID.
 */

export const PUBLIC_KEY_ALGORITHM = { rsa: 1, ecdsa: 19 } as const;

export const HASH_ID: Readonly<Record<HashAlgorithm, number>> = { sha256: 8, sha384: 9, sha512: 10 };

/** Curve OIDs as OpenPGP writes them: the DER content octets, without tag and length. */
export const CURVE_OID: Readonly<Record<NamedCurve, string>> = {
  'P-256': '2a8648ce3d030107',
  'P-384': '2b81040022',
  'P-521': '2b81040023',
};

/**
 * The algorithm `signer` must use, checked for OpenPGP.
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM` for RSA-PSS.
 */
export function assertPgpAlgorithm(algorithm: SignatureAlgorithm): void {
  if (algorithm.scheme === 'pss') {
    throw new SignetError(
      'UNSUPPORTED_ALGORITHM',
      `OpenPGP v4 signs RSA with PKCS#1 v1.5, not PSS: use rsa-pkcs1-${algorithm.hash} with this key`,
      { details: { algorithm: algorithm.id, use: `rsa-pkcs1-${algorithm.hash}` } },
    );
  }
}

/**
 * Picks the algorithm to create an OpenPGP signer with: the key's first RSA PKCS#1 v1.5 algorithm,
 * or its ECDSA algorithm.
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM` when the key offers none (an RSA key limited to PSS).
 * @example
 * ```ts
 * const key = await provider.getKey('soft://release');
 * const signer = await createSigner(provider, key.uri, { algorithm: pgpAlgorithmFor(key) });
 * ```
 */
export function pgpAlgorithmFor(key: Pick<KeyInfo, 'uri' | 'algorithms'>): SignatureAlgorithmId {
  const id = key.algorithms.find((a) => getAlgorithm(a).scheme !== 'pss');
  if (!id) {
    throw new SignetError(
      'UNSUPPORTED_ALGORITHM',
      `The key ${key.uri} signs only with RSA-PSS, which OpenPGP v4 lacks`,
      {
        details: { key: key.uri, algorithms: [...key.algorithms] },
      },
    );
  }
  return id;
}
