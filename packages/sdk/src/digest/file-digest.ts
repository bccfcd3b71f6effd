import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../algorithms/algorithms.js';
import { readFileInChunks } from './read-chunks.js';

/** Progress of a long digest, reported after each chunk (1 MiB) read. */
export interface DigestProgress {
  /** Bytes hashed so far. */
  readonly bytes: number;
  /** Size of the file when hashing started, in bytes. */
  readonly total: number;
}

export interface DigestFileOptions {
  /** Hash functions to compute in one pass over the file. Default `['sha256']`. */
  hashes?: readonly HashAlgorithm[];
  /** Called after each chunk (1 MiB) with the bytes hashed so far. */
  onProgress?: (progress: DigestProgress) => void;
  signal?: AbortSignal;
}

export interface FileDigest {
  /** Size of the file in bytes. */
  readonly size: number;
  /** One digest per requested hash. */
  readonly digests: Readonly<Partial<Record<HashAlgorithm, Uint8Array>>>;
}

/**
 * Hashes a file of any size in one streaming pass, never holding more than one chunk in memory.
 *
 * @throws SignetError `IO_ERROR` when the file cannot be read, `ABORTED` when `signal` fires.
 * @example
 * ```ts
 * const { digests } = await digestFile('app.jar', { hashes: ['sha256'] });
 * ```
 */
export async function digestFile(path: string, options: DigestFileOptions = {}): Promise<FileDigest> {
  const hashes = options.hashes ?? ['sha256'];
  const hashers = hashes.map((h) => createHash(h));
  let bytes = 0;
  const size = await readFileInChunks(
    path,
    (chunk, total) => {
      for (const hasher of hashers) hasher.update(chunk);
      bytes += chunk.length;
      options.onProgress?.({ bytes, total });
    },
    options.signal,
  );
  const digests: Partial<Record<HashAlgorithm, Uint8Array>> = {};
  hashes.forEach((h, i) => (digests[h] = new Uint8Array(hashers[i]!.digest())));
  return { size, digests };
}

/** Hashes bytes already in memory (a to-be-signed structure, a small manifest). */
export function digestBytes(hash: HashAlgorithm, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(hash).update(data).digest());
}
