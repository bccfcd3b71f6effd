import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  algorithmsForKeySpec,
  assertAlgorithmFitsKey,
  assertDigestLength,
  getAlgorithm,
  isSignetError,
  KEY_SPECS,
  listAlgorithms,
} from '../../src/index.js';

describe('the algorithm registry', () => {
  it('describes RSA PKCS#1 v1.5 and PSS with SHA-256/384/512 and ECDSA on P-256/384/521', () => {
    expect(listAlgorithms().map((a) => a.id)).toEqual([
      'rsa-pkcs1-sha256',
      'rsa-pkcs1-sha384',
      'rsa-pkcs1-sha512',
      'rsa-pss-sha256',
      'rsa-pss-sha384',
      'rsa-pss-sha512',
      'ecdsa-p256-sha256',
      'ecdsa-p384-sha384',
      'ecdsa-p521-sha512',
    ]);
    expect(getAlgorithm('ecdsa-p384-sha384')).toMatchObject({
      digestLength: 48,
      keyType: 'ec',
      curve: 'P-384',
      encoding: 'der',
      jose: 'ES384',
    });
    expect(getAlgorithm('rsa-pss-sha512')).toMatchObject({
      digestLength: 64,
      keyType: 'rsa',
      scheme: 'pss',
      jose: 'PS512',
    });
  });

  it('refuses an unknown algorithm with UNSUPPORTED_ALGORITHM', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !listAlgorithms().some((a) => a.id === s)),
        (id) => {
          expect(() => getAlgorithm(id)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ALGORITHM' }));
        },
      ),
    );
  });

  it('gives each key spec the algorithms it can sign with, default first', () => {
    expect(algorithmsForKeySpec('ec-p256').map((a) => a.id)).toEqual(['ecdsa-p256-sha256']);
    expect(algorithmsForKeySpec('rsa-3072')[0]!.id).toBe('rsa-pkcs1-sha256');
    for (const spec of KEY_SPECS) expect(algorithmsForKeySpec(spec).length).toBeGreaterThan(0);
    expect(() => assertAlgorithmFitsKey(getAlgorithm('ecdsa-p384-sha384'), 'ec-p256')).toThrow(
      expect.objectContaining({ code: 'ALGORITHM_KEY_MISMATCH' }),
    );
    expect(() => assertAlgorithmFitsKey(getAlgorithm('rsa-pss-sha256'), 'ec-p521')).toThrow(
      expect.objectContaining({ code: 'ALGORITHM_KEY_MISMATCH' }),
    );
  });
});

describe('the digest length check', () => {
  it.each(listAlgorithms().map((a) => [a.id, a] as const))(
    'accepts exactly %s digest length and refuses every other',
    (_id, algorithm) => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (digest) => {
          if (digest.length === algorithm.digestLength) {
            expect(() => assertDigestLength(algorithm, digest)).not.toThrow();
          } else {
            try {
              assertDigestLength(algorithm, digest);
              expect.unreachable();
            } catch (e) {
              expect(isSignetError(e, 'DIGEST_LENGTH_MISMATCH')).toBe(true);
            }
          }
        }),
      );
    },
  );
});
