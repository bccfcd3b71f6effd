import { randomBytes } from 'node:crypto';
import { HASHES, type HashAlgorithm } from '../algorithms/algorithms.js';
import { digestBytes } from '../digest/file-digest.js';
import { SignetError } from '../errors/errors.js';
import type { TimestampInput } from './timestamp.js';

/** The hash and digest a request carries: the caller's digest, or the data hashed here (SHA-256 by default). */
export function imprintOf(input: TimestampInput): { hash: HashAlgorithm; digest: Uint8Array } {
  const hash = input.hash ?? 'sha256';
  if (!(hash in HASHES)) {
    throw new SignetError(
      'UNSUPPORTED_ALGORITHM',
      `Signet timestamps SHA-256, SHA-384 or SHA-512 imprints, not ${hash}`,
    );
  }
  if ('data' in input) return { hash, digest: digestBytes(hash, input.data) };
  if (!(input.digest instanceof Uint8Array) || input.digest.length !== HASHES[hash].length) {
    throw new SignetError('DIGEST_LENGTH_MISMATCH', `A ${hash} digest is ${HASHES[hash].length} bytes`, {
      details: { hash, expected: HASHES[hash].length },
    });
  }
  return { hash, digest: input.digest };
}

/** A fresh 64-bit positive nonce, as OpenSSL and jarsigner send. */
export function randomNonce(): bigint {
  return BigInt(`0x${randomBytes(8).toString('hex')}`) | 1n;
}
