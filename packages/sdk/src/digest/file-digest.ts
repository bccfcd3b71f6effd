import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { SignetError, throwIfAborted } from '../errors/errors.js';
import type { HashAlgorithm } from '../algorithms/algorithms.js';

/** Progress of a long digest, reported at most every `CHUNK` bytes. */
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

/** Read size per chunk: large enough that the hash, not the syscalls, sets the pace. */
const CHUNK = 1 << 20;

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
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw ioError(path, cause);
  }
  try {
    const total = (await handle.stat()).size;
    // Two buffers: the next read runs on the thread pool while this chunk is hashed.
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const;
    let bytes = 0;
    let turn = 0;
    let pending = handle.read(buffers[0], 0, CHUNK, null);
    for (;;) {
      const { bytesRead } = await pending;
      throwIfAborted(options.signal);
      if (bytesRead === 0) break;
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      turn ^= 1;
      pending = handle.read(buffers[turn]!, 0, CHUNK, null);
      for (const hasher of hashers) hasher.update(chunk);
      bytes += bytesRead;
      options.onProgress?.({ bytes, total });
    }
    const digests: Partial<Record<HashAlgorithm, Uint8Array>> = {};
    hashes.forEach((h, i) => (digests[h] = new Uint8Array(hashers[i]!.digest())));
    return { size: bytes, digests };
  } catch (cause) {
    if (cause instanceof SignetError) throw cause;
    throw ioError(path, cause);
  } finally {
    await handle.close();
  }
}

/** Hashes bytes already in memory (a to-be-signed structure, a small manifest). */
export function digestBytes(hash: HashAlgorithm, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(hash).update(data).digest());
}

function ioError(path: string, cause: unknown): SignetError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : 'cannot be read';
  return new SignetError('IO_ERROR', `${path}: ${reason}`, { cause, details: { path } });
}
