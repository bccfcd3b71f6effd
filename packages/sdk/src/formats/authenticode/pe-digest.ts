import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { readFileInChunks } from '../../digest/read-chunks.js';
import type { PeLayout } from './pe-file.js';

export interface PeDigestOptions {
  signal?: AbortSignal;
  /** Called after each chunk with bytes hashed and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The Authenticode digest of a PE image, in one streaming pass: every byte before the certificate
 * table except the CheckSum field and the certificate table's directory entry, then zeros up to a
 * multiple of 8 (where the table will start). Hashing the file in order rather than section by
 * section gives the same result for the images linkers write, and is what Windows and
 * osslsigncode compute; it also covers data after the last section.
 */
export async function peDigest(
  path: string,
  layout: PeLayout,
  hash: HashAlgorithm,
  options: PeDigestOptions = {},
): Promise<Uint8Array> {
  const hasher = createHash(hash);
  const skips = skippedRanges(layout);
  let position = 0;
  await readFileInChunks(
    path,
    (chunk) => {
      const start = position;
      position += chunk.length;
      forEachKept(start, chunk, layout.end, skips, (part) => hasher.update(part));
      options.onProgress?.(Math.min(position, layout.end), layout.end);
    },
    options.signal,
  );
  hasher.update(Buffer.alloc(padding(layout.end)));
  return new Uint8Array(hasher.digest());
}

/** Zero bytes that bring `offset` to a multiple of 8 (the certificate table's alignment). */
export function padding(offset: number): number {
  return (8 - (offset % 8)) % 8;
}

/** The header fields the digest leaves out, as [start, end) file offsets in order. */
export function skippedRanges(layout: PeLayout): Array<readonly [number, number]> {
  return [
    [layout.checksumOffset, layout.checksumOffset + 4],
    [layout.certificateEntryOffset, layout.certificateEntryOffset + 8],
  ];
}

/** Calls `use` with the parts of `chunk` (at file offset `start`) before `end` and outside `skips`. */
export function forEachKept(
  start: number,
  chunk: Uint8Array,
  end: number,
  skips: ReadonlyArray<readonly [number, number]>,
  use: (part: Uint8Array) => void,
): void {
  let from = start;
  const to = Math.min(start + chunk.length, end);
  for (const [a, b] of skips) {
    if (b <= from || a >= to) continue;
    if (a > from) use(chunk.subarray(from - start, a - start));
    from = Math.max(from, b);
  }
  if (to > from) use(chunk.subarray(from - start, to - start));
}
