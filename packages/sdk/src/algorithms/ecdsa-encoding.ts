import { SignetError } from '../errors/errors.js';
import { CURVES, type NamedCurve } from './algorithms.js';

/*
 * ECDSA signatures travel in two encodings: DER `SEQUENCE { r INTEGER, s INTEGER }` (X9.62; CMS,
 * X.509, JAR, Authenticode, PKCS#11 bridges) and fixed-width raw `r || s` (JOSE, WebCrypto, PKCS#11
 * CKM_ECDSA, cloud KMS APIs). Both converters are strict: a non-minimal or trailing-garbage DER is
 * refused rather than "repaired", so a signature has exactly one accepted form.
 */

function invalid(message: string): SignetError {
  return new SignetError('INVALID_SIGNATURE_ENCODING', message);
}

/** Reads a DER length at `offset`; returns [length, bytes consumed]. */
function readLength(der: Uint8Array, offset: number): [number, number] {
  const first = der[offset];
  if (first === undefined) throw invalid('DER signature is truncated');
  if (first < 0x80) return [first, 1];
  const count = first & 0x7f;
  if (count !== 1) throw invalid('DER signature length is not minimally encoded');
  const length = der[offset + 1];
  if (length === undefined) throw invalid('DER signature is truncated');
  if (length < 0x80) throw invalid('DER signature length is not minimally encoded');
  return [length, 2];
}

/** Reads one positive INTEGER at `offset`; returns [magnitude without sign padding, next offset]. */
function readInteger(der: Uint8Array, offset: number): [Uint8Array, number] {
  if (der[offset] !== 0x02) throw invalid('DER signature: expected an INTEGER');
  const [length, lengthBytes] = readLength(der, offset + 1);
  const start = offset + 1 + lengthBytes;
  const end = start + length;
  if (length === 0 || end > der.length) throw invalid('DER signature: INTEGER is empty or truncated');
  const value = der.subarray(start, end);
  if (value[0]! & 0x80) throw invalid('DER signature: INTEGER is negative');
  if (value[0] === 0 && length > 1 && !(value[1]! & 0x80)) {
    throw invalid('DER signature: INTEGER has a superfluous leading zero');
  }
  return [value[0] === 0 && length > 1 ? value.subarray(1) : value, end];
}

/**
 * Converts a DER Ecdsa-Sig-Value to raw `r || s`, each left-padded to the curve size.
 *
 * @throws SignetError `INVALID_SIGNATURE_ENCODING` for anything but a strict DER signature whose
 * integers fit the curve.
 */
export function ecdsaDerToRaw(der: Uint8Array, curve: NamedCurve): Uint8Array {
  const size = CURVES[curve].size;
  if (der[0] !== 0x30) throw invalid('DER signature: expected a SEQUENCE');
  const [length, lengthBytes] = readLength(der, 1);
  if (1 + lengthBytes + length !== der.length) throw invalid('DER signature: length does not match its content');
  const [r, afterR] = readInteger(der, 1 + lengthBytes);
  const [s, afterS] = readInteger(der, afterR);
  if (afterS !== der.length) throw invalid('DER signature: unexpected bytes after s');
  if (r.length > size || s.length > size) throw invalid(`DER signature: integer too large for ${curve}`);
  if (isZero(r) || isZero(s)) throw invalid('DER signature: r and s must be positive');
  const raw = new Uint8Array(size * 2);
  raw.set(r, size - r.length);
  raw.set(s, 2 * size - s.length);
  return raw;
}

/**
 * Converts raw `r || s` (each exactly the curve size) to a DER Ecdsa-Sig-Value.
 *
 * @throws SignetError `INVALID_SIGNATURE_ENCODING` when the length is not twice the curve size or
 * an integer is zero.
 */
export function ecdsaRawToDer(raw: Uint8Array, curve: NamedCurve): Uint8Array {
  const size = CURVES[curve].size;
  if (raw.length !== size * 2) {
    throw invalid(`Raw ${curve} signature must be ${size * 2} bytes, got ${raw.length}`);
  }
  const r = encodeInteger(raw.subarray(0, size));
  const s = encodeInteger(raw.subarray(size));
  const body = r.length + s.length;
  const header = body < 0x80 ? [0x30, body] : [0x30, 0x81, body];
  const der = new Uint8Array(header.length + body);
  der.set(header, 0);
  der.set(r, header.length);
  der.set(s, header.length + r.length);
  return der;
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

function encodeInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const value = magnitude.subarray(start);
  if (isZero(value)) throw invalid('Raw signature: r and s must be positive');
  const pad = value[0]! & 0x80 ? 1 : 0;
  const length = value.length + pad;
  // Integers up to 67 bytes (P-521 plus sign byte) always fit a short-form length.
  const out = new Uint8Array(2 + length);
  out[0] = 0x02;
  out[1] = length;
  out.set(value, 2 + pad);
  return out;
}
