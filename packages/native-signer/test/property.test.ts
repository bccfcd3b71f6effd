import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPrivateKey, type NativePrivateKey, type PrehashHash, type PrehashScheme } from '../index.mjs';
import { DIGEST_LENGTH, ecKey, errorCode, opensslVerify, rsaKey, type TestKey } from './helpers.js';

const pairs: [key: string, scheme: PrehashScheme, hash: PrehashHash][] = [
  ['P-256', 'ecdsa', 'sha256'],
  ['P-384', 'ecdsa', 'sha384'],
  ['RSA-2048', 'pkcs1', 'sha256'],
  ['RSA-2048', 'pss', 'sha512'],
];

const keys = new Map<string, { test: TestKey; native: NativePrivateKey }>();
beforeAll(() => {
  for (const test of [ecKey('P-256'), ecKey('P-384'), rsaKey(2048)]) {
    keys.set(test.name, { test, native: loadPrivateKey(test.pkcs8) });
  }
});

describe('for any digest', () => {
  it.each(pairs)('of the right length, a %s %s/%s signature verifies with openssl', (name, scheme, hash) => {
    const { test, native } = keys.get(name)!;
    const length = DIGEST_LENGTH[hash];
    fc.assert(
      fc.property(fc.uint8Array({ minLength: length, maxLength: length }), (digest) => {
        expect(opensslVerify(test.publicKey, scheme, hash, digest, native.sign(scheme, hash, digest))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it.each(pairs)('of any other length, %s %s/%s throws DIGEST_LENGTH_MISMATCH', async (name, scheme, hash) => {
    const { native } = keys.get(name)!;
    const length = fc.nat({ max: 200 }).filter((n) => n !== DIGEST_LENGTH[hash]);
    await fc.assert(
      fc.asyncProperty(length, fc.boolean(), async (n, async) => {
        const digest = new Uint8Array(n);
        const sign = async ? () => native.signAsync(scheme, hash, digest) : () => native.sign(scheme, hash, digest);
        expect(await errorCode(sign)).toBe('DIGEST_LENGTH_MISMATCH');
      }),
    );
  });
});
