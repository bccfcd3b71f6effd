import type { FileHandle } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';
import { findExtraField, type ZipEntry } from './zip-directory.js';

/*
 * Writes a ZIP archive: new entries deflated from memory, existing entries copied as they are,
 * then a central directory whose offsets point at the new places. ZIP64 records appear only where
 * a value does not fit 32 (or 16) bits, as APPNOTE §4.4.1.4 asks.
 */

const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
const ZIP64_EXTRA = 0x0001;
const ZIP64_VERSION = 45;
const DEFLATE_VERSION = 20;
const FLUSH_AT = 1 << 20;

/** A central record to write: an existing entry's fields at a new offset. */
export type CentralRecord = Omit<ZipEntry, 'name'>;

export class ZipWriter {
  private readonly records: CentralRecord[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes written so far: the offset of the next entry. */
  position = 0;

  constructor(private readonly handle: FileHandle) {}

  /** Appends raw bytes (a copied entry, in pieces). */
  async write(bytes: Buffer): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.position += bytes.length;
    if (this.pendingBytes >= FLUSH_AT) await this.flush();
  }

  /** Records the central directory entry of an entry whose local header starts at `offset`. */
  addRecord(record: CentralRecord): void {
    this.records.push(record);
  }

  /** Writes a new deflated entry from memory, with sizes and CRC in its local header. */
  async addFile(name: string, content: Uint8Array, modified: Date): Promise<void> {
    const rawName = Buffer.from(name, 'utf8');
    const data = deflateRawSync(content);
    const [time, date] = dosDateTime(modified);
    const record: CentralRecord = {
      rawName,
      versionMadeBy: DEFLATE_VERSION,
      versionNeeded: DEFLATE_VERSION,
      flags: /[^\x20-\x7e]/.test(name) ? 0x0800 : 0, // bit 11: the name is UTF-8
      method: 8,
      time,
      date,
      crc32: crc32(content),
      compressedSize: data.length,
      size: content.length,
      internalAttributes: 0,
      externalAttributes: 0,
      extra: Buffer.alloc(0),
      comment: Buffer.alloc(0),
      offset: this.position,
      zip64: { size: false, compressedSize: false, offset: false },
    };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(record.versionNeeded, 4);
    header.writeUInt16LE(record.flags, 6);
    header.writeUInt16LE(record.method, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt32LE(record.crc32, 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(content.length, 22);
    header.writeUInt16LE(rawName.length, 26);
    this.addRecord(record);
    await this.write(Buffer.concat([header, rawName, data]));
  }

  /** Writes the central directory and end records, and flushes everything. */
  async finish(comment: Buffer): Promise<void> {
    const directoryOffset = this.position;
    for (const record of this.records) await this.write(centralRecord(record));
    const directorySize = this.position - directoryOffset;
    const count = this.records.length;
    const needs64 = count >= MAX16 || directorySize >= MAX32 || directoryOffset >= MAX32;
    if (needs64) {
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(0x06064b50, 0);
      end64.writeBigUInt64LE(44n, 4); // size of the rest of this record
      end64.writeUInt16LE(ZIP64_VERSION, 12);
      end64.writeUInt16LE(ZIP64_VERSION, 14);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(directorySize), 40);
      end64.writeBigUInt64LE(BigInt(directoryOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.position), 8);
      locator.writeUInt32LE(1, 16);
      await this.write(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, MAX16), 8);
    end.writeUInt16LE(Math.min(count, MAX16), 10);
    end.writeUInt32LE(Math.min(directorySize, MAX32), 12);
    end.writeUInt32LE(Math.min(directoryOffset, MAX32), 16);
    end.writeUInt16LE(comment.length, 20);
    await this.write(Buffer.concat([end, comment]));
    await this.flush();
  }

  private async flush(): Promise<void> {
    const data = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    for (let done = 0; done < data.length;) done += (await this.handle.write(data, done)).bytesWritten;
  }
}

/** A central directory record, with a ZIP64 extra field rebuilt for the values that need one. */
export function centralRecord(record: CentralRecord): Buffer {
  const wide = {
    size: record.zip64.size || record.size >= MAX32,
    compressedSize: record.zip64.compressedSize || record.compressedSize >= MAX32,
    offset: record.zip64.offset || record.offset >= MAX32,
  };
  const values = [
    ...(wide.size ? [record.size] : []),
    ...(wide.compressedSize ? [record.compressedSize] : []),
    ...(wide.offset ? [record.offset] : []),
  ];
  let extra = withoutExtraField(record.extra, ZIP64_EXTRA);
  if (values.length > 0) {
    const field = Buffer.alloc(4 + 8 * values.length);
    field.writeUInt16LE(ZIP64_EXTRA, 0);
    field.writeUInt16LE(8 * values.length, 2);
    values.forEach((v, i) => field.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
    extra = Buffer.concat([field, extra]);
  }
  const fixed = Buffer.alloc(46);
  fixed.writeUInt32LE(0x02014b50, 0);
  fixed.writeUInt16LE(record.versionMadeBy, 4);
  fixed.writeUInt16LE(values.length > 0 ? Math.max(record.versionNeeded, ZIP64_VERSION) : record.versionNeeded, 6);
  fixed.writeUInt16LE(record.flags, 8);
  fixed.writeUInt16LE(record.method, 10);
  fixed.writeUInt16LE(record.time, 12);
  fixed.writeUInt16LE(record.date, 14);
  fixed.writeUInt32LE(record.crc32, 16);
  fixed.writeUInt32LE(wide.compressedSize ? MAX32 : record.compressedSize, 20);
  fixed.writeUInt32LE(wide.size ? MAX32 : record.size, 24);
  fixed.writeUInt16LE(record.rawName.length, 28);
  fixed.writeUInt16LE(extra.length, 30);
  fixed.writeUInt16LE(record.comment.length, 32);
  fixed.writeUInt16LE(0, 34); // disk number start: always the one disk
  fixed.writeUInt16LE(record.internalAttributes, 36);
  fixed.writeUInt32LE(record.externalAttributes, 38);
  fixed.writeUInt32LE(wide.offset ? MAX32 : record.offset, 42);
  return Buffer.concat([fixed, record.rawName, extra, record.comment]);
}

/** The extra block without the fields of one id; a malformed block is kept as it is. */
function withoutExtraField(extra: Buffer, id: number): Buffer {
  if (!findExtraField(extra, id)) return extra;
  const kept: Buffer[] = [];
  for (let at = 0; at + 4 <= extra.length;) {
    const size = extra.readUInt16LE(at + 2);
    if (extra.readUInt16LE(at) !== id) kept.push(extra.subarray(at, at + 4 + size));
    at += 4 + size;
  }
  return Buffer.concat(kept);
}

/** MS-DOS time and date (local time, two-second resolution), as Java's ZipOutputStream writes them. */
function dosDateTime(d: Date): [number, number] {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return [time, date];
}
