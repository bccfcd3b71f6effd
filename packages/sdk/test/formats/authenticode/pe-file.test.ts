import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePeHeaders, readCertificateTable } from '../../../src/formats/authenticode/pe-file.js';
import { PeChecksum } from '../../../src/formats/authenticode/checksum.js';
import { isSignetError } from '../../helpers/sdk.js';
import { createPeFixture, type PeFixture } from './fixture.js';

/** Parses or throws INVALID_FORMAT; anything else fails the property. */
function parseOrInvalid(bytes: Uint8Array, size = bytes.length): void {
  try {
    const layout = parsePeHeaders(bytes, size);
    expect(layout.end).toBeLessThanOrEqual(size);
    expect(layout.checksumOffset + 4).toBeLessThanOrEqual(bytes.length);
  } catch (error) {
    expect(isSignetError(error, 'INVALID_FORMAT'), String(error)).toBe(true);
  }
}

describe('the PE header parser', () => {
  let fx: PeFixture;
  let image: Buffer;

  beforeAll(async () => {
    fx = await createPeFixture([]);
    image = await readFile(fx.files['pe32+-exe']);
  }, 60_000);

  it('reads PE32 and PE32+ images the compilers write', async () => {
    expect(parsePeHeaders(image, image.length)).toMatchObject({ kind: 'PE32+', end: image.length });
    const pe32 = await readFile(fx.files['pe32-dll']);
    expect(parsePeHeaders(pe32, pe32.length)).toMatchObject({ kind: 'PE32', certificateTable: { offset: 0, size: 0 } });
  });

  it('throws only INVALID_FORMAT on random bytes, with or without an MZ/PE prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), (bytes, prefix) => {
        if (prefix && bytes.length >= 0x48) {
          bytes.set([0x4d, 0x5a], 0);
          bytes.set([0x40, 0, 0, 0], 0x3c);
          bytes.set([0x50, 0x45, 0, 0], 0x40);
        }
        parseOrInvalid(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('throws only INVALID_FORMAT on a real image with corrupted header bytes or a wrong size', () => {
    const head = image.subarray(0, 1024);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(1023), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: image.length * 2 }),
        (edits, size) => {
          const bytes = Buffer.from(head);
          for (const [at, value] of edits) bytes[at] = value;
          parseOrInvalid(bytes, size);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads no certificate from a corrupt certificate table, with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (table) => {
        try {
          readCertificateTable(table);
        } catch (error) {
          expect(isSignetError(error, 'INVALID_FORMAT')).toBe(true);
        }
      }),
    );
  });
});

describe('the PE checksum', () => {
  it('does not depend on how the bytes are split, and patching equals feeding the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 512 }), fc.nat(), fc.nat(), (bytes, cut, at) => {
        const whole = new PeChecksum();
        whole.update(bytes);
        const split = new PeChecksum();
        const c = cut % bytes.length;
        split.update(bytes.subarray(0, c));
        split.update(bytes.subarray(c));
        expect(split.digest()).toBe(whole.digest());
        const p = at % (bytes.length - 8);
        const zeroed = Buffer.from(bytes);
        zeroed.fill(0, p, p + 8);
        const patched = new PeChecksum();
        patched.update(zeroed);
        patched.patch(p, bytes.subarray(p, p + 8));
        // End-around carry makes 0 and 0xffff the same value; compare modulo 0xffff.
        expect((patched.digest() - bytes.length) % 0xffff).toBe((whole.digest() - bytes.length) % 0xffff);
      }),
    );
  });
});
