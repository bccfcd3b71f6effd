import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { HASHES, type HashAlgorithm } from '../algorithms/algorithms.js';
import { SignetError } from '../errors/errors.js';
import { hashWithOid } from './algorithm-oids.js';

const HASH_OIDS = Object.fromEntries(Object.entries(HASHES).map(([h, v]) => [h, v.oid])) as Record<
  HashAlgorithm,
  string
>;

export interface DigestIdentifierOptions {
  /**
   * Encode the parameters as NULL rather than leave them out. Default `false`: RFC 5754 says SHA-2
   * parameters SHOULD be absent; RFC 4055 (inside RSASSA-PSS-params) and Authenticode use NULL.
   */
  nullParameters?: boolean;
}

/**
 * The AlgorithmIdentifier of a hash, as CMS `digestAlgorithms` carry it.
 *
 * @example digestAlgorithmIdentifier('sha256').algorithmId // '2.16.840.1.101.3.4.2.1'
 */
export function digestAlgorithmIdentifier(
  hash: HashAlgorithm,
  options: DigestIdentifierOptions = {},
): pkijs.AlgorithmIdentifier {
  const algorithmId = HASH_OIDS[hash];
  return options.nullParameters
    ? new pkijs.AlgorithmIdentifier({ algorithmId, algorithmParams: new asn1js.Null() })
    : new pkijs.AlgorithmIdentifier({ algorithmId });
}

/**
 * The hash an AlgorithmIdentifier names. NULL and absent parameters are equivalent (RFC 4055 §2.1).
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM` for any other hash (SHA-1, MD5, ...).
 * @example hashFromIdentifier(signerInfo.digestAlgorithm) // 'sha256'
 */
export function hashFromIdentifier(identifier: pkijs.AlgorithmIdentifier): HashAlgorithm {
  const hash = hashWithOid(HASH_OIDS, identifier.algorithmId);
  const params: unknown = identifier.algorithmParams;
  if (!hash || (params !== undefined && !(params instanceof asn1js.Null))) {
    throw unsupportedAlgorithm(`the hash ${identifier.algorithmId || '(none)'}`);
  }
  return hash;
}

/** The error for anything outside Signet's algorithms. */
export function unsupportedAlgorithm(what: string): SignetError {
  return new SignetError('UNSUPPORTED_ALGORITHM', `Signet does not support ${what}`, { details: { algorithm: what } });
}
