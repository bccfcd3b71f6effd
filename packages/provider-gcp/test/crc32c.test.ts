import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../src/crc32c.js';
import { crc32cBitwise } from './fake-kms-wire.js';

describe('crc32c', () => {
  it('gives the published check values', () => {
    expect(crc32c('123456789')).toBe(0xe3069283);
    expect(crc32c('')).toBe(0);
    // RFC 3720 appendix B.4, the iSCSI vectors.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('agrees with a bit-by-bit computation on any input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (data) => crc32c(data) === crc32cBitwise(data)));
  });

  it('takes a string as its UTF-8 bytes', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => crc32c(s) === crc32c(Buffer.from(s, 'utf8'))));
  });

  it('changes when any single bit changes (every 1-bit error is caught)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), (data, at) => {
        const bit = at % (data.length * 8);
        const flipped = Uint8Array.from(data);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        return crc32c(flipped) !== crc32c(data);
      }),
    );
  });

  it('stays an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (data) => {
        const crc = crc32c(data);
        return Number.isInteger(crc) && crc >= 0 && crc <= 0xffffffff;
      }),
    );
  });
});
