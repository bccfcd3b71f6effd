import { SignetError } from '../../errors/errors.js';

/*
 * OpenPGP packet framing (RFC 9580 §4.2). We write the new format (what RFC 9580 requires of new
 * implementations and gpg 2.2 and sq 0.27 read) and read both, since gpg 2.2 still writes the old
 * one. Subpackets (§5.2.3.7) use the same length encoding as new-format packets.
 */

/** Packet tags used here. */
export const TAG = { signature: 2, publicKey: 6, userId: 13 } as const;

/** One packet: its tag and body, header removed. */
export interface PgpPacket {
  readonly tag: number;
  readonly body: Uint8Array;
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** A new-format length: 1 octet below 192, 2 octets below 8384, else 0xFF and 4 octets. */
export function encodeLength(length: number): Buffer {
  if (length < 192) return Buffer.from([length]);
  if (length < 8384) return Buffer.from([((length - 192) >> 8) + 192, (length - 192) & 0xff]);
  return Buffer.concat([Buffer.from([0xff]), u32(length)]);
}

/** Reads a new-format length at `offset`; returns [length, octets used]. Partial lengths are refused. */
export function readLength(bytes: Uint8Array, offset: number): [number, number] {
  const first = need(bytes, offset);
  if (first < 192) return [first, 1];
  if (first < 224) return [((first - 192) << 8) + need(bytes, offset + 1) + 192, 2];
  if (first === 255) {
    need(bytes, offset + 4);
    return [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(offset + 1), 5];
  }
  throw invalid('partial body lengths are only used by data packets, not keys or signatures');
}

/** A new-format packet: header octet `0xC0 | tag`, length, body. */
export function encodePacket(tag: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0xc0 | tag]), encodeLength(body.length), body]);
}

/**
 * Splits a binary OpenPGP stream into packets.
 *
 * @throws SignetError `INVALID_FORMAT` for a malformed header or a body running past the end.
 */
export function readPackets(bytes: Uint8Array): PgpPacket[] {
  const packets: PgpPacket[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const ctb = bytes[offset]!;
    if (!(ctb & 0x80)) throw invalid(`octet ${offset} is not a packet header`);
    let tag: number;
    let length: number;
    let header: number;
    if (ctb & 0x40) {
      tag = ctb & 0x3f;
      [length, header] = readLength(bytes, offset + 1);
      header += 1;
    } else {
      // Old format: tag in bits 5-2, length type in bits 1-0 (1, 2 or 4 octets; 3 = to the end).
      tag = (ctb >> 2) & 0x0f;
      const type = ctb & 3;
      const size = type === 3 ? 0 : 1 << type;
      length = 0;
      for (let i = 1; i <= size; i++) length = length * 256 + need(bytes, offset + i);
      if (type === 3) length = bytes.length - offset - 1;
      header = 1 + size;
    }
    const start = offset + header;
    if (start + length > bytes.length) throw invalid(`packet at octet ${offset} runs past the end`);
    packets.push({ tag, body: bytes.subarray(start, start + length) });
    offset = start + length;
  }
  return packets;
}

export function invalid(reason: string): SignetError {
  return new SignetError('INVALID_FORMAT', `Not a valid OpenPGP packet: ${reason}`);
}

function need(bytes: Uint8Array, offset: number): number {
  const value = bytes[offset];
  if (value === undefined) throw invalid('truncated');
  return value;
}
