import { invalid } from './packets.js';

/*
 * Multiprecision integers (RFC 9580 §3.2): a 2-octet bit count, then the big-endian magnitude
 * without leading zero octets. Leading zeros would change the bit count and break verifiers that
 * compare encodings, so they are stripped here.
 */

export function encodeMpi(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  const value = magnitude.subarray(start);
  const bits = value.length === 0 ? 0 : (value.length - 1) * 8 + (32 - Math.clz32(value[0]!));
  return Buffer.concat([Buffer.from([bits >> 8, bits & 0xff]), value]);
}

/**
 * Reads one MPI at `offset`; returns [magnitude, offset after it].
 *
 * @throws SignetError `INVALID_FORMAT` when truncated.
 */
export function readMpi(bytes: Uint8Array, offset: number): [Uint8Array, number] {
  if (offset + 2 > bytes.length) throw invalid('MPI is truncated');
  const bits = (bytes[offset]! << 8) | bytes[offset + 1]!;
  const end = offset + 2 + Math.ceil(bits / 8);
  if (end > bytes.length) throw invalid('MPI is truncated');
  return [bytes.subarray(offset + 2, end), end];
}
