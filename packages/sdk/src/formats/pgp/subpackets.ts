import { encodeLength, invalid, readLength } from './packets.js';

/* Signature subpackets (RFC 9580 §5.2.3.7): length (covering type and data), type, data. */

/** Subpacket types used here. */
export const SUBPACKET = {
  creationTime: 2,
  issuerKeyId: 16,
  preferredHashes: 21,
  keyFlags: 27,
  issuerFingerprint: 33,
} as const;

export interface Subpacket {
  readonly type: number;
  /** The critical bit: a verifier that does not know the type must reject the signature. */
  readonly critical: boolean;
  readonly data: Uint8Array;
}

export function encodeSubpacket(type: number, data: Uint8Array, critical = false): Buffer {
  return Buffer.concat([encodeLength(data.length + 1), Buffer.from([type | (critical ? 0x80 : 0)]), data]);
}

/**
 * Reads a subpacket area (without its 2-octet length prefix).
 *
 * @throws SignetError `INVALID_FORMAT` for an empty or truncated subpacket.
 */
export function readSubpackets(area: Uint8Array): Subpacket[] {
  const out: Subpacket[] = [];
  let offset = 0;
  while (offset < area.length) {
    const [length, size] = readLength(area, offset);
    const start = offset + size;
    if (length === 0 || start + length > area.length) throw invalid('subpacket is empty or truncated');
    const type = area[start]!;
    out.push({ type: type & 0x7f, critical: (type & 0x80) !== 0, data: area.subarray(start + 1, start + length) });
    offset = start + length;
  }
  return out;
}
