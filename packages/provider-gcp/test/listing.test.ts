import { createPublicKey } from 'node:crypto';
import { isSignetError } from '@signet/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import type { GcpKmsProvider } from '../src/index.js';
import { LOCATION, providerFor, requestsSince, RING, uriOf, useFakeKms } from './helpers.js';

const OTHER_RING = `${LOCATION}/keyRings/tools`;
const ELSEWHERE = 'projects/signet-test/locations/us-east1/keyRings/release';

describe('the Cloud KMS provider', () => {
  const names: Record<string, string[]> = {};
  // Pages of two items, so every list takes several pages.
  const fake = useFakeKms(
    async (f) => {
      names.ec = await f.addKey(RING, 'app', {
        algorithm: 'EC_SIGN_P256_SHA256',
        states: ['ENABLED', 'DISABLED', 'ENABLED', 'DESTROYED'],
      });
      names.rsa = await f.addKey(RING, 'legacy', { algorithm: 'RSA_SIGN_PKCS1_2048_SHA256' });
      names.symmetric = await f.addKey(RING, 'secrets', { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION' });
      names.ed25519 = await f.addKey(RING, 'edwards', { algorithm: 'EC_SIGN_ED25519' });
      names.tools = await f.addKey(OTHER_RING, 'tool', { algorithm: 'EC_SIGN_P384_SHA384' });
      names.elsewhere = await f.addKey(ELSEWHERE, 'far', { algorithm: 'EC_SIGN_P256_SHA256' });
    },
    { maxPageSize: 2 },
  );
  const opened: GcpKmsProvider[] = [];
  const open = (options: Parameters<typeof providerFor>[1] = {}) => {
    const provider = providerFor(fake(), options);
    opened.push(provider);
    return provider;
  };
  afterAll(() => Promise.all(opened.map((p) => p.close())));

  describe('lists keys', () => {
    it('of its key rings: every ENABLED version of every signing key, page after page', async () => {
      const from = fake().requests.length;
      const keys = await open().listKeys();
      const expected = [names.ec![0], names.ec![2], names.rsa![0]].map((n) => uriOf(n!));
      expect(keys.map((k) => k.uri).sort()).toEqual(expected.sort());
      expect(requestsSince(fake(), from, '/cryptoKeys').some((r) => r.query.pageToken)).toBe(true);
      const app = keys.find((k) => k.uri === uriOf(names.ec![0]!))!;
      expect(app).toMatchObject({
        name: 'app/1',
        spec: 'ec-p256',
        algorithms: ['ecdsa-p256-sha256'],
        certificates: [],
      });
      expect(app.createdAt).toBeInstanceOf(Date);
    });

    it('of every key ring of its locations, found with ListKeyRings', async () => {
      const keys = await open({ keyRings: [], locations: [LOCATION] }).listKeys();
      const uris = keys.map((k) => k.uri);
      expect(uris).toContain(uriOf(names.tools![0]!));
      expect(uris).toContain(uriOf(names.rsa![0]!));
      expect(uris).not.toContain(uriOf(names.elsewhere![0]!));
    });

    it('of no key ring when none is configured', async () => {
      expect(await open({ keyRings: [] }).listKeys()).toEqual([]);
    });

    it('and refuses a key ring that does not exist with KEY_NOT_FOUND', async () => {
      const error = await open({ keyRings: [`${LOCATION}/keyRings/missing`] })
        .listKeys()
        .catch((e: unknown) => e);
      expect(isSignetError(error, 'KEY_NOT_FOUND')).toBe(true);
    });
  });

  describe('describes a key version', () => {
    it('with the public key Cloud KMS holds, as DER SPKI', async () => {
      const key = await open().getKey(uriOf(names.rsa![0]!));
      expect(key.spec).toBe('rsa-2048');
      expect(key.algorithms).toEqual(['rsa-pkcs1-sha256']);
      const publicKey = createPublicKey({ key: Buffer.from(key.publicKey), format: 'der', type: 'spki' });
      expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    });

    it('asking Cloud KMS once, then from memory', async () => {
      const provider = open();
      const from = fake().requests.length;
      await Promise.all([1, 2, 3].map(() => provider.getKey(uriOf(names.tools![0]!))));
      await provider.getKey(uriOf(names.tools![0]!));
      expect(requestsSince(fake(), from, '/publicKey')).toHaveLength(1);
    });

    it('sending the bearer token, the routing header and the client header', async () => {
      const from = fake().requests.length;
      await open().getKey(uriOf(names.ec![0]!));
      const [request] = requestsSince(fake(), from, '/publicKey');
      expect(request!.headers.authorization).toBe(`Bearer ${fake().token}`);
      expect(request!.headers['x-goog-request-params']).toBe(`name=${encodeURIComponent(names.ec![0]!)}`);
      expect(request!.headers['x-goog-api-client']).toMatch(/gapic\/\S+ .*rest\//);
    });

    it.each([
      ['a disabled version', () => names.ec![1]!],
      ['a destroyed version', () => names.ec![3]!],
      ['a version of a symmetric key', () => names.symmetric![0]!],
      ['a version that does not exist', () => `${RING}/cryptoKeys/app/cryptoKeyVersions/9`],
    ])('refuses %s with KEY_NOT_FOUND', async (_, name) => {
      const error = await open()
        .getKey(uriOf(name()))
        .catch((e: unknown) => e);
      expect(isSignetError(error, 'KEY_NOT_FOUND'), String(error)).toBe(true);
    });

    it('refuses an algorithm Signet does not sign with (Ed25519) with UNSUPPORTED_ALGORITHM', async () => {
      const error = await open()
        .getKey(uriOf(names.ed25519![0]!))
        .catch((e: unknown) => e);
      expect(isSignetError(error, 'UNSUPPORTED_ALGORITHM')).toBe(true);
    });

    it('refuses a URI without a version with INVALID_KEY_URI, before any call', async () => {
      const from = fake().requests.length;
      const error = await open()
        .getKey(`gcpkms://${RING}/cryptoKeys/app`)
        .catch((e: unknown) => e);
      expect(isSignetError(error, 'INVALID_KEY_URI')).toBe(true);
      expect(fake().requests.length).toBe(from);
    });
  });
});
