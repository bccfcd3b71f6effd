import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import { SignetError } from '../errors/errors.js';

/** RFC 5280 §4.1.2.2: positive, at most 20 octets. */
const MAX_OCTETS = 20;

/**
 * A certificate serial number as a DER INTEGER: the given value, or 16 random bytes (128 bits, the
 * CA/Browser Forum asks for at least 64) read as a positive integer.
 *
 * @throws SignetError `INVALID_ARGUMENT` for zero, a negative number or more than 20 octets.
 */
export function encodeSerialNumber(serial: Uint8Array | bigint = randomBytes(16)): asn1js.Integer {
  if (typeof serial === 'bigint' && serial < 0n) throw invalid();
  const raw = typeof serial === 'bigint' ? Buffer.from(evenHex(serial), 'hex') : Buffer.from(serial);
  const first = raw.findIndex((b) => b !== 0);
  if (first === -1) throw invalid();
  let bytes = raw.subarray(first);
  // A set top bit would read as negative: a leading zero byte keeps the integer positive.
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.of(0), bytes]);
  if (bytes.length > MAX_OCTETS) throw invalid();
  return new asn1js.Integer({ valueHex: bytes });
}

function evenHex(value: bigint): string {
  const hex = value.toString(16);
  return hex.length % 2 ? `0${hex}` : hex;
}

function invalid(): SignetError {
  return new SignetError('INVALID_ARGUMENT', 'A serial number must be a positive integer of at most 20 octets');
}
