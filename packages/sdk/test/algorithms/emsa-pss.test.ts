import { constants, generateKeyPairSync, publicDecrypt, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestBytes, emsaPssEncode, emsaPssVerify, type HashAlgorithm } from '../../src/index.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const hashes: HashAlgorithm[] = ['sha256', 'sha384', 'sha512'];

describe('EMSA-PSS over a precomputed digest', () => {
  it.each(hashes)('accepts what OpenSSL (through node:crypto) signs with %s', (hash) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (message) => {
        const signature = sign(hash, message, {
          key: privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        });
        const encoded = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
        expect(emsaPssVerify(hash, digestBytes(hash, message), encoded, 2048)).toBe(true);
        const other = digestBytes(hash, Buffer.concat([message, Buffer.from([1])]));
        expect(emsaPssVerify(hash, other, encoded, 2048)).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it.each([2048, 2049, 3072, 4095])('round-trips encode → verify for a %i-bit modulus', (bits) => {
    fc.assert(
      fc.property(fc.constantFrom(...hashes), fc.uint8Array({ minLength: 64, maxLength: 64 }), (hash, bytes) => {
        const digest = bytes.subarray(0, digestBytes(hash, new Uint8Array()).length);
        const encoded = emsaPssEncode(hash, digest, bits);
        expect(encoded.length).toBe(Math.ceil(bits / 8));
        expect(emsaPssVerify(hash, digest, encoded, bits)).toBe(true);
      }),
    );
  });

  it('never throws on malformed encoded messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(emsaPssVerify('sha256', new Uint8Array(32), bytes, 2048)).toBe(false);
      }),
    );
  });
});
