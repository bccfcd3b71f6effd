import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { armorPgp, crc24, dearmorPgp, readPgpSignature } from '../../../src/formats/pgp/index.js';
import { encodeMpi, readMpi } from '../../../src/formats/pgp/mpi.js';
import { encodeLength, encodePacket, readLength, readPackets } from '../../../src/formats/pgp/packets.js';
import { encodeSubpacket, readSubpackets } from '../../../src/formats/pgp/subpackets.js';
import { isSignetError } from '../../helpers/sdk.js';

const invalidFormat = (e: unknown) => isSignetError(e, 'INVALID_FORMAT');

/** An old-format header (what gpg 2.2 writes): tag in bits 5-2, 1, 2 or 4 length octets. */
function oldFormatPacket(tag: number, body: Uint8Array): Buffer {
  const type = body.length < 256 ? 0 : body.length < 65536 ? 1 : 2;
  const size = 1 << type;
  const header = Buffer.alloc(1 + size);
  header[0] = 0x80 | (tag << 2) | type;
  header.writeUIntBE(body.length, 1, size);
  return Buffer.concat([header, body]);
}

const packets = fc.array(
  fc.record({ tag: fc.integer({ min: 1, max: 15 }), body: fc.uint8Array({ maxLength: 9000 }), old: fc.boolean() }),
  { maxLength: 5 },
);

describe('OpenPGP encoding', () => {
  describe('CRC-24', () => {
    it('matches the published check value and the empty-input initial value', () => {
      expect(crc24(Buffer.from('123456789'))).toBe(0x21cf02);
      expect(crc24(new Uint8Array())).toBe(0xb704ce);
    });
  });

  describe('armor', () => {
    it('round-trips any data and type', () => {
      const types = fc.constantFrom('PGP SIGNATURE', 'PGP PUBLIC KEY BLOCK', 'PGP MESSAGE') as fc.Arbitrary<
        'PGP SIGNATURE' | 'PGP PUBLIC KEY BLOCK' | 'PGP MESSAGE'
      >;
      fc.assert(
        fc.property(types, fc.uint8Array({ maxLength: 3000 }), (type, data) => {
          const text = armorPgp(type, data);
          expect(text.split('\n').every((line) => line.length <= 64)).toBe(true);
          const back = dearmorPgp(text);
          expect(back.type).toBe(type);
          expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
          // CRLF line ends, headers, and no checksum are read too.
          const crlf = text.replace('\n\n', '\nVersion: test\nComment: a: b\n\n').replace(/\n/g, '\r\n');
          expect(dearmorPgp(crlf).headers).toEqual({ Version: 'test', Comment: 'a: b' });
          expect(Buffer.from(dearmorPgp(crlf).data).equals(Buffer.from(data))).toBe(true);
          const bare = text.replace(/\n=[A-Za-z0-9+/]{4}\n/, '\n');
          expect(Buffer.from(dearmorPgp(bare).data).equals(Buffer.from(data))).toBe(true);
        }),
      );
    });

    it('refuses a block whose data or checksum changed', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 500 }), fc.nat(), (data, at) => {
          const flipped = Uint8Array.from(data);
          flipped[at % data.length]! ^= 1;
          const checksum = /\n(=[A-Za-z0-9+/]{4})\n/.exec(armorPgp('PGP SIGNATURE', data))![1]!;
          const forged = armorPgp('PGP SIGNATURE', flipped).replace(/\n=[A-Za-z0-9+/]{4}\n/, `\n${checksum}\n`);
          expect(() => dearmorPgp(forged)).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
        }),
      );
    });

    it('refuses text without a block, and damaged base64', () => {
      expect(() => dearmorPgp('hello')).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
      const damaged = '-----BEGIN PGP SIGNATURE-----\n\nwp*U\n-----END PGP SIGNATURE-----\n';
      expect(() => dearmorPgp(damaged)).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
    });
  });

  describe('lengths', () => {
    it('round-trip every 32-bit length in the fewest octets', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
          const encoded = encodeLength(n);
          expect(encoded.length).toBe(n < 192 ? 1 : n < 8384 ? 2 : 5);
          expect(readLength(encoded, 0)).toEqual([n, encoded.length]);
        }),
      );
    });
  });

  describe('packets', () => {
    it('round-trip in the new format and read the old one', () => {
      fc.assert(
        fc.property(packets, (list) => {
          const bytes = Buffer.concat(list.map((p) => (p.old ? oldFormatPacket : encodePacket)(p.tag, p.body)));
          const read = readPackets(bytes);
          expect(read.map((p) => p.tag)).toEqual(list.map((p) => p.tag));
          read.forEach((p, i) => expect(Buffer.from(p.body).equals(Buffer.from(list[i]!.body))).toBe(true));
        }),
      );
    });

    it('refuse every truncation inside a packet as INVALID_FORMAT', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 63 }),
          fc.uint8Array({ minLength: 1, maxLength: 9000 }),
          fc.nat(),
          (tag, body, cut) => {
            const bytes = encodePacket(tag, body);
            expect(() => readPackets(bytes.subarray(0, 1 + (cut % (bytes.length - 1))))).toThrow(
              expect.objectContaining({ code: 'INVALID_FORMAT' }),
            );
          },
        ),
      );
    });
  });

  describe('subpackets', () => {
    it('round-trip with their critical bit', () => {
      const subpacket = fc.record({
        type: fc.integer({ min: 0, max: 127 }),
        critical: fc.boolean(),
        data: fc.uint8Array({ maxLength: 400 }),
      });
      fc.assert(
        fc.property(fc.array(subpacket, { maxLength: 6 }), (list) => {
          const area = Buffer.concat(list.map((s) => encodeSubpacket(s.type, s.data, s.critical)));
          const read = readSubpackets(area).map((s) => ({ ...s, data: Uint8Array.from(s.data) }));
          expect(read).toEqual(list.map((s) => ({ ...s, data: Uint8Array.from(s.data) })));
        }),
      );
    });
  });

  describe('MPIs', () => {
    it('round-trip without leading zeros and count bits exactly', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 4 }), (bytes, tail) => {
          const encoded = encodeMpi(bytes);
          const value = BigInt(`0x0${Buffer.from(bytes).toString('hex')}`);
          expect(encoded.readUInt16BE(0)).toBe(value === 0n ? 0 : value.toString(2).length);
          const [magnitude, next] = readMpi(Buffer.concat([encoded, tail]), 0);
          expect(next).toBe(encoded.length);
          expect(BigInt(`0x0${Buffer.from(magnitude).toString('hex')}`)).toBe(value);
          if (magnitude.length > 0) expect(magnitude[0]).not.toBe(0);
        }),
      );
    });
  });

  describe('readPgpSignature', () => {
    it('never throws anything but INVALID_FORMAT on random or truncated input', () => {
      const sig = Buffer.from(
        'wpUEABMJAB0FAmsJXPkWIQQdwfqsoLOM4C7zi2OtGfZYZjqZHwAKCRCtGfZYZjqZH2VpAYDJ56WXqLPPixVX8ToH6CDInvXLxGFeN65ZZZB0XDvZKkC5+R8U3S1ThwpJWKDocUoBfja/kxzkdlbyNFYFew0g9yfxrE7T3/XgEFK8oeslb6IYhTGi1F+JKHTZeFqEuTpsjw==',
        'base64',
      );
      expect(readPgpSignature(sig).issuerFingerprint).toBe('1DC1FAACA0B38CE02EF38B63AD19F658663A991F');
      const input = fc.oneof(
        fc.uint8Array({ maxLength: 400 }),
        fc.nat({ max: sig.length - 1 }).map((n) => sig.subarray(0, n)),
        fc.nat({ max: sig.length * 8 - 1 }).map((bit) => {
          const copy = Uint8Array.from(sig);
          copy[bit >> 3]! ^= 1 << (bit & 7);
          return copy;
        }),
      );
      fc.assert(
        fc.property(input, (bytes) => {
          try {
            readPgpSignature(bytes);
          } catch (e) {
            expect(e).toSatisfy(invalidFormat);
          }
        }),
      );
    });
  });
});
