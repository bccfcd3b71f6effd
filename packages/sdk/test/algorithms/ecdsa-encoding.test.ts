import { p256, p384, p521 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURVES, ecdsaDerToRaw, ecdsaRawToDer, isSignetError, type NamedCurve } from '../../src/index.js';

const NOBLE = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
const curves = Object.keys(CURVES) as NamedCurve[];

/** A valid scalar in [1, n-1] as fixed-width big-endian bytes. */
function scalar(curve: NamedCurve) {
  const n = NOBLE[curve].Point.CURVE().n;
  const size = CURVES[curve].size;
  return fc.bigInt({ min: 1n, max: n - 1n }).map((v) => Buffer.from(v.toString(16).padStart(size * 2, '0'), 'hex'));
}

function expectEncodingError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(isSignetError(e, 'INVALID_SIGNATURE_ENCODING')).toBe(true);
    return;
  }
  throw new Error('expected INVALID_SIGNATURE_ENCODING');
}

describe.each(curves)('ECDSA signature encoding on %s', (curve) => {
  it('round-trips raw → DER → raw', () => {
    fc.assert(
      fc.property(scalar(curve), scalar(curve), (r, s) => {
        const raw = Buffer.concat([r, s]);
        expect(Buffer.from(ecdsaDerToRaw(ecdsaRawToDer(raw, curve), curve))).toEqual(raw);
      }),
    );
  });

  it('produces the same DER as an independent implementation (@noble/curves)', () => {
    fc.assert(
      fc.property(scalar(curve), scalar(curve), (r, s) => {
        const raw = Buffer.concat([r, s]);
        const theirs = NOBLE[curve].Signature.fromBytes(raw, 'compact').toBytes('der');
        expect(Buffer.from(ecdsaRawToDer(raw, curve))).toEqual(Buffer.from(theirs));
      }),
    );
  });

  it('refuses any byte string that is not strict DER, with a coded error only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), (bytes) => {
        try {
          const raw = ecdsaDerToRaw(bytes, curve);
          // Whatever parses must re-encode to exactly the same bytes (one accepted form).
          expect(Buffer.from(ecdsaRawToDer(raw, curve))).toEqual(Buffer.from(bytes));
        } catch (e) {
          expect(isSignetError(e, 'INVALID_SIGNATURE_ENCODING')).toBe(true);
        }
      }),
    );
  });

  it('refuses a truncated or extended valid signature', () => {
    fc.assert(
      fc.property(scalar(curve), scalar(curve), fc.integer({ min: 1, max: 8 }), (r, s, cut) => {
        const der = ecdsaRawToDer(Buffer.concat([r, s]), curve);
        expectEncodingError(() => ecdsaDerToRaw(der.subarray(0, der.length - cut), curve));
        expectEncodingError(() => ecdsaDerToRaw(Buffer.concat([der, Buffer.alloc(cut)]), curve));
      }),
    );
  });

  it('refuses raw signatures of the wrong width and zero integers', () => {
    const size = CURVES[curve].size;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }).filter((n) => n !== 2 * size),
        (length) => {
          expectEncodingError(() => ecdsaRawToDer(new Uint8Array(length).fill(1), curve));
        },
      ),
    );
    expectEncodingError(() => ecdsaRawToDer(new Uint8Array(2 * size), curve));
  });
});

describe('ECDSA DER parsing', () => {
  it('refuses a superfluous leading zero and a negative integer', () => {
    // SEQUENCE { INTEGER 00 01, INTEGER 01 }: non-minimal r
    expectEncodingError(() => ecdsaDerToRaw(Buffer.from('300702020001020101', 'hex'), 'P-256'));
    // SEQUENCE { INTEGER 80, INTEGER 01 }: negative r
    expectEncodingError(() => ecdsaDerToRaw(Buffer.from('3006020180020101', 'hex'), 'P-256'));
  });

  it('refuses an integer larger than the curve', () => {
    const big = Buffer.concat([Buffer.from('3026022100', 'hex'), Buffer.alloc(33, 0x7f), Buffer.from('020101', 'hex')]);
    expectEncodingError(() => ecdsaDerToRaw(big, 'P-256'));
  });
});
