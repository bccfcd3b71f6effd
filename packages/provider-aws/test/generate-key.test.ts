import { createHash, randomBytes } from 'node:crypto';
import { verifyDigestSignature } from '@signet/sdk/formats/raw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import { codeOf, openProvider } from './helpers.js';

describe('generateKey', () => {
  let fake: FakeKms;
  beforeAll(async () => {
    fake = await startFakeKms();
  });
  afterAll(() => fake.close());

  it('creates a SIGN_VERIFY key behind alias/NAME, tagged, that lists and signs', async () => {
    const kms = openProvider(fake, { tags: { team: 'release' } });
    const key = await kms.generateKey({ name: 'release/app', spec: 'ec-p384' });
    expect(key.name).toBe('release/app');
    expect(key.spec).toBe('ec-p384');
    expect(key.uri).toMatch(/^awskms:\/\/\/arn:aws:kms:us-east-1:111122223333:key\//);
    const stored = [...fake.keys.keys.values()].find((k) => key.uri.endsWith(k.id))!;
    expect(stored).toMatchObject({ spec: 'ECC_NIST_P384', usage: 'SIGN_VERIFY', state: 'Enabled' });
    expect(Object.fromEntries(stored.tags)).toEqual({ team: 'release', 'signet:name': 'release/app' });
    expect((await kms.listKeys()).map((k) => k.uri)).toContain(key.uri);
    expect((await kms.getKey('awskms:///alias/release/app')).uri).toBe(key.uri);
    const digest = randomBytes(48);
    const signature = await kms.sign({ key: 'awskms:///alias/release/app', algorithm: 'ecdsa-p384-sha384', digest });
    expect(verifyDigestSignature({ publicKey: key.publicKey, algorithm: 'ecdsa-p384-sha384', digest, signature })).toBe(
      true,
    );
  });

  it('refuses a name whose alias exists with KEY_EXISTS, creating nothing', async () => {
    const kms = openProvider(fake);
    await kms.generateKey({ name: 'taken', spec: 'ec-p256' });
    const before = fake.keys.keys.size;
    expect(await codeOf(kms.generateKey({ name: 'taken', spec: 'rsa-2048' }))).toBe('KEY_EXISTS');
    expect(fake.keys.keys.size).toBe(before);
  });

  it('refuses bad names and specs with INVALID_ARGUMENT and UNSUPPORTED_ALGORITHM', async () => {
    const kms = openProvider(fake);
    for (const name of ['', 'aws/reserved', 'has space', 'ü', 'x'.repeat(251)]) {
      expect(await codeOf(kms.generateKey({ name, spec: 'ec-p256' }))).toBe('INVALID_ARGUMENT');
    }
    expect(await codeOf(kms.generateKey({ name: 'ok', spec: 'ed25519' as never }))).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('schedules the new key for deletion when its alias cannot be created', async () => {
    const kms = openProvider(fake);
    const before = new Set(fake.keys.keys.keys());
    fake.faults.deny(1, 'CreateAlias');
    expect(await codeOf(kms.generateKey({ name: 'orphan', spec: 'ec-p256' }))).toBe('PERMISSION_DENIED');
    const created = [...fake.keys.keys.values()].filter((k) => !before.has(k.id));
    expect(created).toHaveLength(1);
    expect(created[0]!.state).toBe('PendingDeletion');
    expect(fake.keys.aliases.has('alias/orphan')).toBe(false);
  });

  it('signs a small message that KMS hashes itself (MessageType RAW)', async () => {
    const kms = openProvider(fake);
    const key = await kms.generateKey({ name: 'raw', spec: 'rsa-2048' });
    const message = randomBytes(1000);
    const signature = await kms.signMessage({ key: key.uri, algorithm: 'rsa-pss-sha256', message });
    const digest = createHash('sha256').update(message).digest();
    expect(verifyDigestSignature({ publicKey: key.publicKey, algorithm: 'rsa-pss-sha256', digest, signature })).toBe(
      true,
    );
    expect(
      await codeOf(kms.signMessage({ key: key.uri, algorithm: 'rsa-pss-sha256', message: new Uint8Array(4097) })),
    ).toBe('INVALID_ARGUMENT');
  });
});
