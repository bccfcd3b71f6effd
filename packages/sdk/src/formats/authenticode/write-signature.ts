import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { CHUNK, fileReadError } from '../../digest/read-chunks.js';
import { throwIfAborted } from '../../errors/errors.js';
import { modeOf, writeAtomically } from '../jar/atomic-file.js';
import { PeChecksum } from './checksum.js';
import { forEachKept, padding, skippedRanges } from './pe-digest.js';
import { invalid, WIN_CERT_REVISION_2_0, WIN_CERT_TYPE_PKCS_SIGNED_DATA, type PeLayout } from './pe-file.js';

export interface WriteSignedPeOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Writes the signed PE in one read of the input: the image before its old certificate table is
 * copied to a temporary file while its Authenticode digest and checksum are computed; `sign` turns
 * the digest into the certificate table's PKCS#7 blob; the table is appended (8-byte aligned), and
 * the certificate table entry and CheckSum are patched in before the file is renamed into place.
 */
export async function writeSignedPe(
  input: string,
  output: string,
  layout: PeLayout,
  hash: HashAlgorithm,
  sign: (digest: Uint8Array) => Promise<Uint8Array>,
  options: WriteSignedPeOptions = {},
): Promise<void> {
  await writeAtomically(output, await modeOf(input), async (out) => {
    const hasher = createHash(hash);
    const checksum = new PeChecksum();
    const skips = skippedRanges(layout);
    await copyImage(input, layout, out, options, (chunk, start) => {
      // The skipped fields are written as zeros, then patched: the checksum treats them as such.
      for (const [a, b] of skips)
        if (a < start + chunk.length && b > start) chunk.fill(0, Math.max(a - start, 0), b - start);
      forEachKept(start, chunk, layout.end, skips, (part) => hasher.update(part));
      checksum.update(chunk);
    });
    const pad = Buffer.alloc(padding(layout.end));
    hasher.update(pad);
    checksum.update(pad);
    const blob = await sign(new Uint8Array(hasher.digest()));
    const table = certificateTable(blob);
    checksum.update(table);
    const tableOffset = layout.end + pad.length;
    const entry = Buffer.alloc(8);
    entry.writeUInt32LE(tableOffset, 0);
    entry.writeUInt32LE(table.length, 4);
    checksum.patch(layout.certificateEntryOffset, entry);
    const sum = Buffer.alloc(4);
    sum.writeUInt32LE(checksum.digest(), 0);
    await out.write(Buffer.concat([pad, table]), 0, pad.length + table.length, layout.end);
    await out.write(entry, 0, 8, layout.certificateEntryOffset);
    await out.write(sum, 0, 4, layout.checksumOffset);
  });
}

/** One WIN_CERTIFICATE (revision 2.0, PKCS_SIGNED_DATA), padded to a multiple of 8. */
export function certificateTable(blob: Uint8Array): Buffer {
  const length = 8 + blob.length + padding(8 + blob.length);
  const table = Buffer.alloc(length);
  table.writeUInt32LE(length, 0);
  table.writeUInt16LE(WIN_CERT_REVISION_2_0, 4);
  table.writeUInt16LE(WIN_CERT_TYPE_PKCS_SIGNED_DATA, 6);
  table.set(blob, 8);
  return table;
}

/** Copies the input's bytes [0, layout.end) to `out`, letting `visit` see (and alter) each chunk first. */
async function copyImage(
  input: string,
  layout: PeLayout,
  out: FileHandle,
  options: WriteSignedPeOptions,
  visit: (chunk: Buffer, start: number) => void,
): Promise<void> {
  let handle;
  try {
    handle = await open(input, 'r');
  } catch (cause) {
    throw fileReadError(input, cause);
  }
  try {
    // Two buffers: the next chunk is read while this one is hashed and written.
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    const read = (position: number, turn: number) => {
      const want = Math.min(CHUNK, layout.end - position);
      return handle.read(buffers[turn]!, 0, want, position).then(({ bytesRead }) => {
        if (bytesRead !== want) throw invalid('the file changed while it was signed');
        return buffers[turn]!.subarray(0, want);
      });
    };
    let turn = 0;
    let pending = layout.end > 0 ? read(0, turn) : undefined;
    for (let position = 0; pending;) {
      const chunk = await pending;
      throwIfAborted(options.signal);
      const next = position + chunk.length;
      turn ^= 1;
      pending = next < layout.end ? read(next, turn) : undefined;
      // Keep a rejected read-ahead from going unhandled if this chunk's write fails first.
      pending?.catch(() => {});
      visit(chunk, position);
      await out.write(chunk, 0, chunk.length, position);
      position = next;
      options.onProgress?.(position, layout.end);
    }
  } finally {
    await handle.close();
  }
}
