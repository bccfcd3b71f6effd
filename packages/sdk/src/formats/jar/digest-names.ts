import type { HashAlgorithm } from '../../algorithms/algorithms.js';

/** Java's names of the hashes Signet signs with, as in `SHA-256-Digest`. */
export const JAVA_HASH_NAMES: Readonly<Record<HashAlgorithm, string>> = {
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

/**
 * The hash an attribute name such as `SHA-256-Digest` (or `SHA-256-Digest-Manifest`, with that
 * suffix) names; undefined for others, SHA-1 and MD5 included: Java no longer trusts them.
 */
export function hashOfDigestAttribute(attribute: string, suffix = '-Digest'): HashAlgorithm | undefined {
  const match = /^SHA-?(256|384|512)(-.*)$/i.exec(attribute);
  if (!match || match[2]!.toLowerCase() !== suffix.toLowerCase()) return undefined;
  return `sha${match[1]}` as HashAlgorithm;
}

/** The attribute name of a hash: `SHA-256` + suffix. */
export function digestAttribute(hash: HashAlgorithm, suffix = '-Digest'): string {
  return `${JAVA_HASH_NAMES[hash]}${suffix}`;
}
