import { SignetError } from '../../errors/errors.js';
import type { ByteSource } from './byte-source.js';

/*
 * The central directory of a ZIP archive (APPNOTE 6.3.10 §4.3.12-4.3.16), ZIP64 included. The
 * directory is the archive's table of contents and what Java's ZipFile trusts; entries are read
 * through it, never by scanning local headers.
 */

/** One central directory record, with its ZIP64 values resolved. */
export interface ZipEntry {
  /** The name as UTF-8 text (Java reads JAR names as UTF-8 whatever the flags say). */
  readonly name: string;
  readonly rawName: Buffer;
  readonly versionMadeBy: number;
  readonly versionNeeded: number;
  readonly flags: number;
  readonly method: number;
  readonly time: number;
  readonly date: number;
  readonly crc32: number;
  readonly compressedSize: number;
  /** Uncompressed size in bytes. */
  readonly size: number;
  readonly internalAttributes: number;
  readonly externalAttributes: number;
  /** Extra fields of the central record, as found. */
  readonly extra: Buffer;
  readonly comment: Buffer;
  /** Absolute position of the local header in the file. */
  readonly offset: number;
  /** Which 32-bit fields the record moved to its ZIP64 extra field (kept so when it is rewritten). */
  readonly zip64: { readonly size: boolean; readonly compressedSize: boolean; readonly offset: boolean };
}

export interface ZipDirectory {
  readonly entries: readonly ZipEntry[];
  /** The archive comment. */
  readonly comment: Buffer;
  /** Where the central directory starts: entry data ends before it. */
  readonly directoryOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
const ZIP64_EXTRA = 0x0001;
const NAME_DECODER = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the end records and the central directory. The directory is held in memory (about 100
 * bytes per entry); entry data is not read.
 *
 * @throws SignetError `INVALID_FORMAT` for anything that is not a well-formed single-disk ZIP.
 */
export async function readZipDirectory(source: ByteSource): Promise<ZipDirectory> {
  const end = await findEnd(source);
  const { count, directorySize, recordedOffset, endPosition } = end.zip64 ?? end;
  // A prefix (a launcher script) shifts every offset: the directory's real place tells by how much.
  const directoryOffset = endPosition - directorySize;
  const shift = directoryOffset - recordedOffset;
  if (directoryOffset < 0 || shift < 0) throw invalid('the central directory does not fit before its end record');
  if (count * CENTRAL_SIZE > directorySize) throw invalid('the central directory is smaller than its entry count');
  const bytes = await source.read(directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at < bytes.length) {
    const [entry, next] = parseCentralRecord(bytes, at, shift, directoryOffset);
    entries.push(entry);
    at = next;
  }
  // Some writers wrap the 16-bit count past 65,535 entries without ZIP64: compare modulo 2^16 then.
  const expected = end.zip64 ? count : count % 0x10000;
  if ((end.zip64 ? entries.length : entries.length % 0x10000) !== expected) {
    throw invalid(`the end record counts ${count} entries, the central directory holds ${entries.length}`);
  }
  return { entries, comment: end.comment, directoryOffset };
}

interface EndRecord {
  count: number;
  directorySize: number;
  recordedOffset: number;
  /** Where the record after the directory starts (the end record, or the ZIP64 end record). */
  endPosition: number;
  comment: Buffer;
  zip64?: Omit<EndRecord, 'comment' | 'zip64'>;
}

async function findEnd(source: ByteSource): Promise<EndRecord> {
  if (source.size < EOCD_SIZE) throw invalid('too short to be a ZIP archive');
  const tailStart = Math.max(0, source.size - EOCD_SIZE - MAX16);
  const tail = await source.read(tailStart, source.size - tailStart);
  let found = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + EOCD_SIZE + tail.readUInt16LE(i + 20) === tail.length) {
      found = i;
      break;
    }
  }
  if (found < 0) throw invalid('no end of central directory record');
  const disk = tail.readUInt16LE(found + 4);
  const directoryDisk = tail.readUInt16LE(found + 6);
  const record: EndRecord = {
    count: tail.readUInt16LE(found + 10),
    directorySize: tail.readUInt32LE(found + 12),
    recordedOffset: tail.readUInt32LE(found + 16),
    endPosition: tailStart + found,
    comment: Buffer.from(tail.subarray(found + EOCD_SIZE)),
  };
  const locator = record.endPosition - 20;
  // The count is checked against the records found, so only a saturated size or offset needs ZIP64.
  const saturated = record.directorySize === MAX32 || record.recordedOffset === MAX32;
  if (locator >= 0 && (await source.read(locator, 4)).readUInt32LE(0) === ZIP64_LOCATOR) {
    // Entry data may happen to hold the locator's signature: only a needed ZIP64 record must be valid.
    record.zip64 = await readZip64End(source, locator).catch((error: unknown) => {
      if (saturated) throw error;
      return undefined;
    });
  }
  if (
    !record.zip64 &&
    (saturated || disk !== 0 || directoryDisk !== 0 || tail.readUInt16LE(found + 8) !== record.count)
  ) {
    throw invalid(
      saturated ? 'no ZIP64 end of central directory record' : 'multi-disk (spanned) archives are not supported',
    );
  }
  return record;
}

async function readZip64End(source: ByteSource, locator: number): Promise<NonNullable<EndRecord['zip64']>> {
  const loc = await source.read(locator, 20);
  if (loc.readUInt32LE(4) !== 0 || loc.readUInt32LE(16) > 1)
    throw invalid('multi-disk (spanned) archives are not supported');
  // The recorded place is wrong when a prefix was added; the record then sits right before the locator.
  let position = u64(loc, 8);
  if (position + 56 > locator || (await source.read(position, 4)).readUInt32LE(0) !== ZIP64_EOCD)
    position = locator - 56;
  if (position < 0) throw invalid('no ZIP64 end of central directory record');
  const rec = await source.read(position, 56);
  if (rec.readUInt32LE(0) !== ZIP64_EOCD) throw invalid('no ZIP64 end of central directory record');
  if (rec.readUInt32LE(16) !== 0 || rec.readUInt32LE(20) !== 0 || u64(rec, 24) !== u64(rec, 32)) {
    throw invalid('multi-disk (spanned) archives are not supported');
  }
  return { count: u64(rec, 32), directorySize: u64(rec, 40), recordedOffset: u64(rec, 48), endPosition: position };
}

function parseCentralRecord(bytes: Buffer, at: number, shift: number, limit: number): [ZipEntry, number] {
  if (at + CENTRAL_SIZE > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) {
    throw invalid(`a central directory record is malformed at byte ${at}`);
  }
  const nameLength = bytes.readUInt16LE(at + 28);
  const extraLength = bytes.readUInt16LE(at + 30);
  const commentLength = bytes.readUInt16LE(at + 32);
  const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
  if (next > bytes.length) throw invalid('a central directory record runs past the directory');
  // Views into the directory, which the entries keep alive: no copy per entry.
  const rawName = bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
  const extra = bytes.subarray(at + CENTRAL_SIZE + nameLength, at + CENTRAL_SIZE + nameLength + extraLength);
  let name: string;
  try {
    name = NAME_DECODER.decode(rawName);
  } catch (cause) {
    throw invalid('an entry name is not UTF-8', cause);
  }
  const size32 = bytes.readUInt32LE(at + 24);
  const compressed32 = bytes.readUInt32LE(at + 20);
  const offset32 = bytes.readUInt32LE(at + 42);
  const zip64 = { size: size32 === MAX32, compressedSize: compressed32 === MAX32, offset: offset32 === MAX32 };
  const wide = readZip64Extra(extra, zip64, bytes.readUInt16LE(at + 34) === MAX16, name);
  const entry: ZipEntry = {
    name,
    rawName,
    versionMadeBy: bytes.readUInt16LE(at + 4),
    versionNeeded: bytes.readUInt16LE(at + 6),
    flags: bytes.readUInt16LE(at + 8),
    method: bytes.readUInt16LE(at + 10),
    time: bytes.readUInt16LE(at + 12),
    date: bytes.readUInt16LE(at + 14),
    crc32: bytes.readUInt32LE(at + 16),
    compressedSize: wide.compressedSize ?? compressed32,
    size: wide.size ?? size32,
    internalAttributes: bytes.readUInt16LE(at + 36),
    externalAttributes: bytes.readUInt32LE(at + 38),
    extra,
    comment: bytes.subarray(next - commentLength, next),
    offset: (wide.offset ?? offset32) + shift,
    zip64,
  };
  if (entry.offset + 30 > limit) throw invalid(`the entry ${name} starts past the central directory`);
  return [entry, next];
}

/** The ZIP64 extra field holds, in this order, only the values whose 32-bit field is 0xFFFFFFFF. */
function readZip64Extra(
  extra: Buffer,
  wanted: ZipEntry['zip64'],
  wantsDisk: boolean,
  name: string,
): { size?: number; compressedSize?: number; offset?: number } {
  if (!wanted.size && !wanted.compressedSize && !wanted.offset && !wantsDisk) return {};
  const field = findExtraField(extra, ZIP64_EXTRA);
  const needed = 8 * (Number(wanted.size) + Number(wanted.compressedSize) + Number(wanted.offset));
  if (!field || field.length < needed) throw invalid(`the entry ${name} lacks its ZIP64 sizes`);
  let at = 0;
  const take = (want: boolean) => (want ? u64(field, (at += 8) - 8) : undefined);
  const values = { size: take(wanted.size), compressedSize: take(wanted.compressedSize), offset: take(wanted.offset) };
  if (wantsDisk && field.length >= at + 4 && field.readUInt32LE(at) !== 0) {
    throw invalid('multi-disk (spanned) archives are not supported');
  }
  return values;
}

/** The data of the first extra field with this id, if the extra block is well formed up to it. */
export function findExtraField(extra: Buffer, id: number): Buffer | undefined {
  for (let at = 0; at + 4 <= extra.length;) {
    const size = extra.readUInt16LE(at + 2);
    if (at + 4 + size > extra.length) return undefined;
    if (extra.readUInt16LE(at) === id) return extra.subarray(at + 4, at + 4 + size);
    at += 4 + size;
  }
  return undefined;
}

/** A little-endian u64 that must fit a JavaScript number (files under 8 PiB). */
export function u64(buffer: Buffer, at: number): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid('a ZIP64 size or offset is out of range');
  return Number(value);
}

export function invalid(reason: string, cause?: unknown): SignetError {
  return new SignetError(
    'INVALID_FORMAT',
    `Not a valid JAR (ZIP) file: ${reason}`,
    cause === undefined ? {} : { cause },
  );
}
