import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createProviderRegistry,
  createSigner,
  getAlgorithm,
  isSignetError,
  keyUriScheme,
  type KeyProvider,
} from '../../src/index.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';

describe('the provider registry', () => {
  it('creates a provider once, on first use, and closes it once', async () => {
    const dir = await tempDir();
    let created = 0;
    let closed = 0;
    const registry = createProviderRegistry();
    registry.register('soft', async () => {
      created++;
      const soft = await openTestStore(dir);
      return { ...soft, close: async () => void closed++ } satisfies KeyProvider;
    });
    expect(created).toBe(0);
    const soft = await registry.providerFor('soft://a');
    await soft.generateKey!({ name: 'a', spec: 'ec-p256' });
    await Promise.all([registry.providerFor('soft://b'), registry.listKeys()]);
    expect(created).toBe(1);
    const signer = await createSigner(registry, 'soft://a');
    expect(signer.algorithm.id).toBe('ecdsa-p256-sha256');
    await registry.close();
    await registry.close();
    expect(closed).toBe(1);
    await expect(registry.providerFor('soft://a')).rejects.toSatisfy((e) => isSignetError(e, 'PROVIDER_CLOSED'));
  });

  it('retries a factory that failed', async () => {
    let attempts = 0;
    const registry = createProviderRegistry();
    registry.register('flaky', () => {
      if (++attempts === 1) throw new Error('first start fails');
      return {
        scheme: 'flaky',
        capabilities: { generateKeys: false, signMessage: false, storeCertificates: false },
        listKeys: async () => [],
        getKey: async () => {
          throw new Error('x');
        },
        sign: async () => new Uint8Array(),
      };
    });
    await expect(registry.providerFor('flaky:x')).rejects.toThrow('first start fails');
    await expect(registry.providerFor('flaky:x')).resolves.toBeDefined();
  });

  it('names unknown schemes and malformed URIs with their codes', async () => {
    const registry = createProviderRegistry();
    await expect(registry.providerFor('awskms:///arn')).rejects.toSatisfy((e) => isSignetError(e, 'UNKNOWN_SCHEME'));
    await expect(registry.providerFor('no scheme')).rejects.toSatisfy((e) => isSignetError(e, 'INVALID_KEY_URI'));
    expect(keyUriScheme('pkcs11:token=a;object=b')).toBe('pkcs11');
    expect(() => registry.register('Bad Scheme', () => ({}) as KeyProvider)).toThrow();
  });

  it('gives a signer that refuses a wrong-length digest before the provider sees it', async () => {
    const dir = await tempDir();
    const soft = await openTestStore(dir);
    await soft.generateKey({ name: 'k', spec: 'ec-p256' });
    let calls = 0;
    const counting: KeyProvider = { ...soft, sign: (p) => (calls++, soft.sign(p)) };
    const signer = await createSigner(counting, 'soft://k');
    await expect(signer.sign(new Uint8Array(20))).rejects.toSatisfy((e) => isSignetError(e, 'DIGEST_LENGTH_MISMATCH'));
    expect(calls).toBe(0);
    await expect(createSigner(soft, 'soft://k', { algorithm: 'rsa-pkcs1-sha256' })).rejects.toSatisfy((e) =>
      isSignetError(e, 'ALGORITHM_KEY_MISMATCH'),
    );
  });
});

describe('untrusted input to the lookups', () => {
  it('is always a typed error, never a TypeError, whatever the value (objects without a prototype too)', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true }), (value) => {
        for (const lookup of [() => getAlgorithm(value as string), () => keyUriScheme(value as string)]) {
          try {
            lookup();
          } catch (error) {
            expect(isSignetError(error, 'UNSUPPORTED_ALGORITHM', 'INVALID_KEY_URI')).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
