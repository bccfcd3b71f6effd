import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import { codeOf, openProvider } from './helpers.js';

describe('finding AWS KMS keys', () => {
  let fake: FakeKms;
  let release: Awaited<ReturnType<FakeKms['addKey']>>;
  let rsa: Awaited<ReturnType<FakeKms['addKey']>>;

  beforeAll(async () => {
    // Two items per page, so every listing takes several pages.
    fake = await startFakeKms({ pageSize: 2 });
    release = await fake.addKey({
      spec: 'ECC_NIST_P256',
      aliases: ['release', 'a-first-alias'],
      tags: { team: 'release' },
    });
    rsa = await fake.addKey({ spec: 'RSA_2048', tags: { team: 'release', env: 'prod' } });
    await fake.addKey({ spec: 'ECC_NIST_P384', aliases: ['other'], tags: { team: 'web' } });
    // Keys Signet cannot sign with, or that cannot sign now: never listed.
    await fake.addKey({ spec: 'SYMMETRIC_DEFAULT', aliases: ['data'], tags: { team: 'release' } });
    await fake.addKey({ spec: 'RSA_2048', usage: 'ENCRYPT_DECRYPT', tags: { team: 'release' } });
    await fake.addKey({ spec: 'ECC_SECG_P256K1', tags: { team: 'release' } });
    await fake.addKey({ spec: 'ECC_NIST_P256', state: 'Disabled', tags: { team: 'release' } });
    await fake.addKey({ spec: 'ECC_NIST_P256', state: 'PendingDeletion', tags: { team: 'release' } });
  });
  afterAll(() => fake.close());

  describe('getKey', () => {
    it('accepts a key ARN, a key id, an alias and an alias ARN, and answers with the canonical key ARN', async () => {
      const kms = openProvider(fake);
      const forms = [
        release.uri,
        `awskms:///${release.id}`,
        'awskms:///alias/release',
        `awskms:///arn:aws:kms:${fake.region}:${fake.account}:alias/release`,
      ];
      for (const uri of forms) {
        const key = await kms.getKey(uri);
        expect(key.uri).toBe(`awskms:///${release.arn}`);
        expect(key.spec).toBe('ec-p256');
        expect(key.algorithms).toEqual(['ecdsa-p256-sha256']);
        expect(Buffer.from(key.publicKey).equals(Buffer.from(release.publicKey!))).toBe(true);
        expect(key.certificates).toEqual([]);
        expect(key.createdAt).toBeInstanceOf(Date);
      }
    });

    it('names a key by the alias it was asked by, else by its first alias, else by its key id', async () => {
      const kms = openProvider(fake);
      expect((await kms.getKey('awskms:///alias/release')).name).toBe('release');
      expect((await kms.getKey(release.uri)).name).toBe('a-first-alias');
      expect((await kms.getKey(rsa.uri)).name).toBe(rsa.id);
    });

    it('gives an RSA key every RSA algorithm, PKCS#1 v1.5 with SHA-256 first', async () => {
      const key = await openProvider(fake).getKey(rsa.uri);
      expect(key.spec).toBe('rsa-2048');
      expect(key.algorithms[0]).toBe('rsa-pkcs1-sha256');
      expect([...key.algorithms].sort()).toEqual(
        ['pkcs1', 'pss'].flatMap((s) => ['256', '384', '512'].map((h) => `rsa-${s}-sha${h}`)).sort(),
      );
    });

    it('refuses keys that cannot sign: UNSUPPORTED_ALGORITHM for their kind, KEY_NOT_FOUND for their state', async () => {
      const kms = openProvider(fake);
      const byDescription = (spec: string, usage?: string, state?: string) =>
        [...fake.keys.keys.values()].find(
          (k) => k.spec === spec && (!usage || k.usage === usage) && (!state || k.state === state),
        )!;
      expect(await codeOf(kms.getKey('awskms:///alias/data'))).toBe('UNSUPPORTED_ALGORITHM');
      expect(await codeOf(kms.getKey(`awskms:///${byDescription('RSA_2048', 'ENCRYPT_DECRYPT').arn}`))).toBe(
        'UNSUPPORTED_ALGORITHM',
      );
      expect(await codeOf(kms.getKey(`awskms:///${byDescription('ECC_SECG_P256K1').arn}`))).toBe(
        'UNSUPPORTED_ALGORITHM',
      );
      expect(await codeOf(kms.getKey(`awskms:///${byDescription('ECC_NIST_P256', '', 'Disabled').arn}`))).toBe(
        'KEY_NOT_FOUND',
      );
      expect(await codeOf(kms.getKey(`awskms:///${byDescription('ECC_NIST_P256', '', 'PendingDeletion').arn}`))).toBe(
        'KEY_NOT_FOUND',
      );
    });
  });

  describe('listKeys', () => {
    it('lists the enabled SIGN_VERIFY keys of a supported spec, across pages, named by alias', async () => {
      const keys = await openProvider(fake).listKeys();
      expect(keys.map((k) => k.spec).sort()).toEqual(['ec-p256', 'ec-p384', 'rsa-2048']);
      expect(keys.find((k) => k.uri === `awskms:///${release.arn}`)?.name).toBe('a-first-alias');
      const calls = fake.calls.map((c) => c.target);
      expect(calls.filter((t) => t === 'ListKeys').length).toBeGreaterThan(1);
    });

    it('keeps only keys carrying every configured tag', async () => {
      const team = await openProvider(fake, { tags: { team: 'release' } }).listKeys();
      expect(team.map((k) => k.uri).sort()).toEqual([release.uri, rsa.uri].sort());
      const prod = await openProvider(fake, { tags: { team: 'release', env: 'prod' } }).listKeys();
      expect(prod.map((k) => k.uri)).toEqual([rsa.uri]);
      expect(await openProvider(fake, { tags: { team: 'nobody' } }).listKeys()).toEqual([]);
    });

    it('describes the configured keys instead of scanning, without ListKeys or ListAliases', async () => {
      fake.calls.length = 0;
      const keys = await openProvider(fake, { keys: ['awskms:///alias/release', rsa.uri] }).listKeys();
      expect(keys.map((k) => k.uri)).toEqual([release.uri, rsa.uri]);
      expect(fake.calls.some((c) => c.target === 'ListKeys')).toBe(false);
    });

    it('fails as a whole when KMS stays unavailable, rather than answering a partial list', async () => {
      fake.faults.outage(Number.MAX_SAFE_INTEGER);
      try {
        expect(await codeOf(openProvider(fake, { retry: { attempts: 2, baseDelayMs: 1 } }).listKeys())).toBe(
          'UNAVAILABLE',
        );
      } finally {
        fake.faults.outage(0);
      }
    });
  });

  describe('keys of another region', () => {
    it("are used in their ARN's region; key ids and aliases in the provider's", async () => {
      const west = await startFakeKms({ region: 'eu-west-1' });
      try {
        const key = await west.addKey({ spec: 'ECC_NIST_P256', aliases: ['west'] });
        // The provider's region is us-east-1: the fake, serving eu-west-1, rejects requests signed for it.
        const kms = openProvider(west, { region: 'us-east-1' });
        expect((await kms.getKey(key.uri)).uri).toBe(key.uri);
        expect(await codeOf(kms.getKey('awskms:///alias/west'))).toBe('PERMISSION_DENIED');
      } finally {
        await west.close();
      }
    });
  });
});
