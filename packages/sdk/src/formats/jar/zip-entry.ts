import { createHash, type Hash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { isSignetError, throwIfAborted } from '../../errors/errors.js';
import type { ByteSource } from './byte-source.js';
import { findExtraField, invalid, type ZipEntry } from './zip-directory.js';

const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const LOCAL_SIZE = 30;
const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED = 0x0001;
const HAS_DESCRIPTOR = 0x0008;
/** Entries up to this size are inflated in one call; larger ones stream, so memory stays bounded. */
const IN_ONE_GO = 4 << 20;
const CHUNK = 1 << 20;

/** Where an entry's bytes lie: its local header, its compressed data, and its data descriptor. */
export interface EntryExtent {
  /** First byte of the compressed data. */
  readonly dataOffset: number;
  /** One past the last byte of the entry (after the data descriptor, if any). */
  readonly end: number;
}

/**
 * Reads an entry's local header and finds where its data and descriptor end. The local name must
 * equal the central one: a mismatch is how ZIP confusion attacks show a different file to a
 * streaming reader (JarInputStream) than to a random-access one (JarFile).
 *
 * @param limit where the central directory starts; entry data may not run into it.
 * @throws SignetError `INVALID_FORMAT`
 */
export async function locateEntry(source: ByteSource, entry: ZipEntry, limit: number): Promise<EntryExtent> {
  const header = await source.read(entry.offset, LOCAL_SIZE);
  if (header.readUInt32LE(0) !== LOCAL) throw invalid(`no local header for ${entry.name}`);
  const nameLength = header.readUInt16LE(26);
  const extraLength = header.readUInt16LE(28);
  const names = await source.read(entry.offset + LOCAL_SIZE, nameLength + extraLength);
  if (!names.subarray(0, nameLength).equals(entry.rawName)) {
    throw invalid(`the local header of ${entry.name} names another file`);
  }
  const dataOffset = entry.offset + LOCAL_SIZE + nameLength + extraLength;
  let end = dataOffset + entry.compressedSize;
  if (entry.flags & HAS_DESCRIPTOR) {
    end += await descriptorLength(source, entry, end, findExtraField(names.subarray(nameLength), 1) !== undefined);
  }
  if (end > limit) throw invalid(`the data of ${entry.name} runs into the central directory`);
  return { dataOffset, end };
}

/**
 * A data descriptor is crc-32 and the two sizes (4 or 8 bytes each), optionally after a signature.
 * Writers disagree on when sizes are 8 bytes, so the layout whose values match the central record wins.
 */
async function descriptorLength(source: ByteSource, entry: ZipEntry, at: number, localZip64: boolean): Promise<number> {
  const available = Math.min(24, source.size - at);
  if (available < 12) throw invalid(`the data descriptor of ${entry.name} is missing`);
  const bytes = await source.read(at, available);
  const layouts = localZip64 ? [8, 4] : [4, 8];
  // The signature is optional, and a CRC may happen to equal it: try both readings.
  for (const start of bytes.readUInt32LE(0) === DESCRIPTOR ? [4, 0] : [0]) {
    for (const width of layouts) {
      const length = start + 4 + 2 * width;
      if (length > bytes.length || bytes.readUInt32LE(start) !== entry.crc32) continue;
      const read = (o: number) => (width === 4 ? bytes.readUInt32LE(o) : Number(bytes.readBigUInt64LE(o)));
      if (read(start + 4) === entry.compressedSize && read(start + 4 + width) === entry.size) return length;
    }
  }
  throw invalid(`the data descriptor of ${entry.name} does not match its central record`);
}

/**
 * Hashes an entry's uncompressed bytes with each of `hashes`, inflating as it streams, and checks
 * them against the central record's size and CRC-32 so a corrupt archive is never signed.
 *
 * @throws SignetError `INVALID_FORMAT` (encrypted, unknown compression, corrupt data), `ABORTED`.
 */
export async function digestEntry(
  source: ByteSource,
  entry: ZipEntry,
  extent: EntryExtent,
  hashes: readonly HashAlgorithm[],
  signal?: AbortSignal,
): Promise<Map<HashAlgorithm, Buffer>> {
  if (entry.flags & ENCRYPTED) throw invalid(`${entry.name} is encrypted`);
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw invalid(`${entry.name} uses compression method ${entry.method}; JARs use stored or deflated entries`);
  }
  const hashers = hashes.map((h) => createHash(h));
  const check = new Check(entry, hashers);
  try {
    if (entry.method === STORED) {
      if (entry.compressedSize !== entry.size) throw invalid(`the sizes of the stored entry ${entry.name} differ`);
      for await (const chunk of chunks(source, extent.dataOffset, entry.compressedSize, signal)) check.update(chunk);
    } else if (entry.compressedSize <= IN_ONE_GO && entry.size <= IN_ONE_GO) {
      const data = await source.read(extent.dataOffset, entry.compressedSize);
      // maxOutputLength stops a small entry that inflates to far more than it claims (a ZIP bomb).
      check.update(inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) }));
    } else {
      await pipeline(
        chunks(source, extent.dataOffset, entry.compressedSize, signal),
        createInflateRaw(),
        async (out) => {
          for await (const chunk of out as AsyncIterable<Buffer>) check.update(chunk);
        },
      );
    }
  } catch (cause) {
    if (isSignetError(cause)) throw cause;
    throw invalid(`the data of ${entry.name} is corrupt`, cause);
  }
  check.finish();
  return new Map(hashes.map((h, i) => [h, hashers[i]!.digest()]));
}

/**
 * An entry's uncompressed bytes in memory, for the small files of the signature machinery (the
 * manifest, `.SF` and block files), checked like {@link digestEntry}.
 *
 * @throws SignetError `INVALID_FORMAT`, including for an entry larger than `limit` bytes.
 */
export async function readEntry(
  source: ByteSource,
  entry: ZipEntry,
  extent: EntryExtent,
  limit: number,
): Promise<Buffer> {
  if (entry.size > limit) throw invalid(`${entry.name} is larger than ${limit} bytes`);
  if (entry.flags & ENCRYPTED) throw invalid(`${entry.name} is encrypted`);
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw invalid(`${entry.name} uses compression method ${entry.method}; JARs use stored or deflated entries`);
  }
  const data = await source.read(extent.dataOffset, entry.compressedSize);
  const check = new Check(entry, [], true);
  try {
    check.update(entry.method === STORED ? data : inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) }));
  } catch (cause) {
    if (isSignetError(cause)) throw cause;
    throw invalid(`the data of ${entry.name} is corrupt`, cause);
  }
  check.finish();
  return Buffer.concat(check.kept);
}

/** Feeds an entry's bytes to its hashes while checking them against the central record. */
class Check {
  /** The bytes seen, when `keep` is set. */
  readonly kept: Buffer[] = [];
  private bytes = 0;
  private crc = 0;
  constructor(
    private readonly entry: ZipEntry,
    private readonly hashers: Hash[],
    private readonly keep = false,
  ) {}
  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.entry.size) throw invalid(`${this.entry.name} is larger than its central record says`);
    this.crc = crc32(chunk, this.crc);
    for (const h of this.hashers) h.update(chunk);
    if (this.keep) this.kept.push(chunk);
  }
  finish(): void {
    if (this.bytes !== this.entry.size) throw invalid(`${this.entry.name} is smaller than its central record says`);
    if (this.crc !== this.entry.crc32) throw invalid(`the CRC-32 of ${this.entry.name} does not match`);
  }
}

/** The bytes of a range, one MiB at a time. */
export async function* chunks(
  source: ByteSource,
  start: number,
  length: number,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  for (let at = start; at < start + length; at += CHUNK) {
    throwIfAborted(signal);
    yield await source.read(at, Math.min(CHUNK, start + length - at));
  }
}
