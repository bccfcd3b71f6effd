import { SignetError } from '../errors/errors.js';

/**
 * Lower-case hex of `bytes`.
 *
 * @example toHex(log.root()) // the `rootHash` of a checkpoint
 */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Bytes of a hex string, refusing anything that is not exactly hex of `length` bytes (Node's own
 * decoder silently stops at the first bad character).
 *
 * @throws SignetError `INVALID_ARGUMENT`
 * @example fromHex(checkpoint.rootHash, 32)
 */
export function fromHex(hex: string, length: number): Uint8Array {
  if (!isHex(hex, length)) {
    throw new SignetError('INVALID_ARGUMENT', `Expected ${length} bytes of hex, got "${String(hex).slice(0, 80)}"`);
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Whether `value` is lower-case hex of exactly `length` bytes. */
export function isHex(value: unknown, length: number): value is string {
  return typeof value === 'string' && value.length === length * 2 && /^[0-9a-f]*$/.test(value);
}
