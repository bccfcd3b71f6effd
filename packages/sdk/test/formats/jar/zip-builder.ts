import { open } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

/*
 * A test-only ZIP writer, independent of the code under test, for the layouts the JDK's `jar`
 * does not make: stored entries, descriptors with and without signature, ZIP64 records forced on
 * small archives, a prefix before the first entry.
 */

export interface BuildEntry {
  name: string;
  data: Uint8Array | string;
  /** 0 stored, 8 deflated. Default 8. */
  method?: 0 | 8;
  /** Sizes and CRC in a data descriptor after the data: `signed` with its optional signature. */
  descriptor?: 'signed' | 'unsigned';
  /** ZIP64 extra fields for sizes and offset, and 8-byte descriptor sizes. */
  zip64?: boolean;
}

export interface BuildOptions {
  /** Bytes before the first entry (a launcher script), offsets left unadjusted. */
  prefix?: Uint8Array;
  /** Write ZIP64 end records even when nothing needs them. */
  zip64End?: boolean;
  comment?: string;
}

export function buildZip(entries: readonly BuildEntry[], options: BuildOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const prefix = Buffer.from(options.prefix ?? []);
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data);
    const method = e.method ?? 8;
    const data = method === 8 ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const name = Buffer.from(e.name);
    const flags = (e.descriptor ? 0x08 : 0) | 0x800;
    const z64 = e.zip64 ?? false;
    const localExtra = z64 ? u64s(1, [raw.length, data.length]) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(z64 ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    if (!e.descriptor) {
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(z64 ? 0xffffffff : data.length, 18);
      local.writeUInt32LE(z64 ? 0xffffffff : raw.length, 22);
    }
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    const descriptor = e.descriptor
      ? descriptorBytes(e.descriptor === 'signed', crc, data.length, raw.length, z64)
      : [];
    const entryBytes = Buffer.concat([local, name, localExtra, data, ...descriptor]);
    const cd = Buffer.alloc(46);
    const centralExtra = z64 ? u64s(1, [raw.length, data.length, offset]) : Buffer.alloc(0);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x031e, 4);
    cd.writeUInt16LE(z64 ? 45 : 20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(z64 ? 0xffffffff : data.length, 20);
    cd.writeUInt32LE(z64 ? 0xffffffff : raw.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(centralExtra.length, 30);
    cd.writeUInt32LE(z64 ? 0xffffffff : offset, 42);
    central.push(Buffer.concat([cd, name, centralExtra]));
    parts.push(entryBytes);
    offset += entryBytes.length;
  }
  const directory = Buffer.concat(central);
  const count = entries.length;
  const zip64End = options.zip64End || count >= 0xffff;
  const tail: Buffer[] = [];
  if (zip64End) {
    const end64 = Buffer.alloc(56);
    end64.writeUInt32LE(0x06064b50, 0);
    end64.writeBigUInt64LE(44n, 4);
    end64.writeUInt16LE(45, 12);
    end64.writeUInt16LE(45, 14);
    end64.writeBigUInt64LE(BigInt(count), 24);
    end64.writeBigUInt64LE(BigInt(count), 32);
    end64.writeBigUInt64LE(BigInt(directory.length), 40);
    end64.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(end64, locator);
  }
  const comment = Buffer.from(options.comment ?? '');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64End ? 0xffff : count, 8);
  end.writeUInt16LE(zip64End ? 0xffff : count, 10);
  end.writeUInt32LE(zip64End ? 0xffffffff : directory.length, 12);
  end.writeUInt32LE(zip64End ? 0xffffffff : offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([prefix, ...parts, directory, ...tail, end, comment]);
}

function u64s(id: number, values: number[]): Buffer {
  const field = Buffer.alloc(4 + 8 * values.length);
  field.writeUInt16LE(id, 0);
  field.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => field.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return field;
}

function descriptorBytes(signed: boolean, crc: number, compressed: number, size: number, z64: boolean): Buffer[] {
  const width = z64 ? 8 : 4;
  const body = Buffer.alloc(4 + 2 * width);
  body.writeUInt32LE(crc, 0);
  if (z64) {
    body.writeBigUInt64LE(BigInt(compressed), 4);
    body.writeBigUInt64LE(BigInt(size), 12);
  } else {
    body.writeUInt32LE(compressed, 4);
    body.writeUInt32LE(size, 8);
  }
  const signature = Buffer.alloc(4);
  signature.writeUInt32LE(0x08074b50, 0);
  return signed ? [signature, body] : [body];
}

/**
 * Writes a ZIP of one stored entry made of `chunk` repeated `count` times, streaming to disk so
 * the test itself holds one chunk: a large JAR without a large buffer.
 */
export async function writeRepeatedEntryZip(path: string, name: string, chunk: Buffer, count: number): Promise<void> {
  let crc = 0;
  for (let i = 0; i < count; i++) crc = crc32(chunk, crc);
  const size = chunk.length * count;
  const rawName = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt16LE(0x21, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(size, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(rawName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(10, 6);
  central.writeUInt16LE(0x21, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(size, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(rawName.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + rawName.length, 12);
  end.writeUInt32LE(30 + rawName.length + size, 16);
  const handle = await open(path, 'w');
  try {
    await handle.write(Buffer.concat([local, rawName]));
    for (let i = 0; i < count; i++) await handle.write(chunk);
    await handle.write(Buffer.concat([central, rawName, end]));
  } finally {
    await handle.close();
  }
}
