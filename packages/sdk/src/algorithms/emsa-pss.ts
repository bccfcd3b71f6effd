import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HASHES, type HashAlgorithm } from './algorithms.js';

/*
 * EMSA-PSS encoding (RFC 8017 §9.1) over a digest the caller already computed, with MGF1 on the
 * same hash and a salt as long as the digest (the universal default). Node can sign or verify PSS
 * only over a message it hashes itself; this lets the software provider's fallback route and the
 * verifiers work from the digest alone, around raw RSA (`RSA_NO_PADDING`).
 */

function mgf1(hash: HashAlgorithm, seed: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(length);
  const counter = Buffer.alloc(4);
  for (let offset = 0, i = 0; offset < length; i++) {
    counter.writeUInt32BE(i);
    const block = createHash(hash).update(seed).update(counter).digest();
    offset += block.copy(out, offset);
  }
  return out;
}

function mPrimeHash(hash: HashAlgorithm, mHash: Uint8Array, salt: Uint8Array): Buffer {
  return createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
}

/**
 * Encodes `mHash` for an RSA key whose modulus has `modulusBits` bits. Returns the encoded message
 * left-padded to the modulus length, ready for raw RSA.
 */
export function emsaPssEncode(hash: HashAlgorithm, mHash: Uint8Array, modulusBits: number): Buffer {
  const hLen = HASHES[hash].length;
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const sLen = hLen;
  if (emLen < hLen + sLen + 2) throw new RangeError('RSA modulus too small for PSS with this hash');
  const salt = randomBytes(sLen);
  const h = mPrimeHash(hash, mHash, salt);
  const db = Buffer.alloc(emLen - hLen - 1);
  db[emLen - sLen - hLen - 2] = 0x01;
  salt.copy(db, emLen - sLen - hLen - 1);
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const k = Math.ceil(modulusBits / 8);
  return Buffer.concat([Buffer.alloc(k - emLen), db, h, Buffer.from([0xbc])]);
}

/**
 * Checks an encoded message (the output of raw RSA public decryption, modulus-length) against
 * `mHash`. Returns false on any mismatch; never throws on malformed input.
 */
export function emsaPssVerify(
  hash: HashAlgorithm,
  mHash: Uint8Array,
  encoded: Uint8Array,
  modulusBits: number,
): boolean {
  const hLen = HASHES[hash].length;
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const sLen = hLen;
  const k = Math.ceil(modulusBits / 8);
  if (encoded.length !== k || mHash.length !== hLen || emLen < hLen + sLen + 2) return false;
  for (let i = 0; i < k - emLen; i++) if (encoded[i] !== 0) return false;
  const em = encoded.subarray(k - emLen);
  if (em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if ((maskedDb[0]! & ~topMask) !== 0) return false;
  const mask = mgf1(hash, h, maskedDb.length);
  const db = Buffer.alloc(maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = maskedDb[i]! ^ mask[i]!;
  db[0]! &= topMask;
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen);
  return timingSafeEqual(mPrimeHash(hash, mHash, salt), h);
}
