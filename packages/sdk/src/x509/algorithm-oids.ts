import type { HashAlgorithm } from '../algorithms/algorithms.js';

/*
 * Algorithm OIDs, in one place. Hash OIDs live in the algorithm registry (`HASHES`), curve OIDs in
 * `CURVES`; these are the signature and key algorithm OIDs of RFC 4055, RFC 5758 and RFC 5480.
 */

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const OID_MGF1 = '1.2.840.113549.1.1.8';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** `shaNNNWithRSAEncryption` (RFC 4055 §5). */
export const PKCS1_SIGNATURE_OIDS: Readonly<Record<HashAlgorithm, string>> = {
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};

/** `ecdsa-with-SHANNN` (RFC 5758 §3.2). */
export const ECDSA_SIGNATURE_OIDS: Readonly<Record<HashAlgorithm, string>> = {
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

/** The hash whose OID in `table` is `oid`, if any. */
export function hashWithOid(table: Readonly<Record<HashAlgorithm, string>>, oid: string): HashAlgorithm | undefined {
  return (Object.keys(table) as HashAlgorithm[]).find((hash) => table[hash] === oid);
}
