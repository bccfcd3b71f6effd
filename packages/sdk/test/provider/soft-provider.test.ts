import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSigner, digestBytes, isSignetError, listAlgorithms, toPemSpki, type KeySpec } from '../helpers/sdk.js';
import { openssl } from '../helpers/openssl.js';
import { openTestStore } from '../helpers/soft.js';
import { snapshot, tempDir } from '../helpers/temp.js';
import { createSoftKeyProvider, type SoftKeyProvider } from '../../src/provider/soft/index.js';
import { loadNative } from '../../src/provider/soft/prehash-key.js';

const SPECS: KeySpec[] = ['rsa-2048', 'ec-p256', 'ec-p384', 'ec-p521'];
const routes = (await loadNative()) ? (['portable', 'native'] as const) : (['portable'] as const);

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((e) => isSignetError(e) && e.code === code);
}

describe.each(routes)('the software provider (%s route)', (backend) => {
  let dir: string;
  let soft: SoftKeyProvider;

  beforeAll(async () => {
    dir = await tempDir();
    soft = await openTestStore(dir, { backend });
    for (const spec of SPECS) await soft.generateKey({ name: spec, spec });
  });

  it('uses the route it was asked for', () => {
    expect(soft.route).toBe(backend);
  });

  describe.each(listAlgorithms().map((a) => [a.id, a] as const))('signing a digest with %s', (id, algorithm) => {
    it('makes a signature that openssl pkeyutl -verify accepts, and rejects for another digest', async () => {
      const spec = SPECS.find((s) =>
        s.startsWith(algorithm.keyType === 'rsa' ? 'rsa' : `ec-p${algorithm.curve!.slice(2)}`),
      )!;
      const key = await soft.getKey(`soft://${spec}`);
      const signer = await createSigner(soft, key.uri, { algorithm: id });
      const digest = digestBytes(algorithm.hash, randomBytes(100));
      const signature = await signer.sign(digest);

      const work = await tempDir();
      await writeFile(join(work, 'pub.pem'), toPemSpki(key.publicKey));
      await writeFile(join(work, 'digest.bin'), digest);
      await writeFile(join(work, 'sig.bin'), signature);
      const pss =
        algorithm.scheme === 'pss' ? ['-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:digest'] : [];
      const verify = (file: string) =>
        openssl([
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          join(work, 'pub.pem'),
          '-in',
          file,
          '-sigfile',
          join(work, 'sig.bin'),
          '-pkeyopt',
          `digest:${algorithm.hash}`,
          ...pss,
        ]);
      const good = await verify(join(work, 'digest.bin'));
      expect(good.stdout + good.stderr).toContain('Signature Verified Successfully');

      digest[0]! ^= 1;
      await writeFile(join(work, 'other.bin'), digest);
      expect((await verify(join(work, 'other.bin'))).ok).toBe(false);
    });
  });
});

describe('the software key store', () => {
  let dir: string;
  let soft: SoftKeyProvider;

  beforeAll(async () => {
    dir = await tempDir();
    soft = await openTestStore(dir);
    await soft.generateKey({ name: 'release', spec: 'ec-p256' });
  });

  it('keeps private keys encrypted at rest and never returns them', async () => {
    const record = await readFile(join(dir, 'keys', 'release.json'), 'utf8');
    expect(record).not.toMatch(/PRIVATE KEY|"d"|pkcs8/i);
    const info = await soft.getKey('soft://release');
    expect(Object.keys(info).sort()).toEqual([
      'algorithms',
      'certificates',
      'createdAt',
      'name',
      'publicKey',
      'spec',
      'uri',
    ]);
    expect(JSON.stringify(await soft.listKeys())).not.toMatch(/PRIVATE/);
  });

  it('refuses to open with a wrong passphrase, and changes nothing on disk', async () => {
    const before = await snapshot(dir);
    await expectCode(createSoftKeyProvider({ directory: dir, secret: { passphrase: 'wrong' } }), 'BAD_PASSPHRASE');
    await expectCode(
      createSoftKeyProvider({ directory: dir, secret: { masterKey: randomBytes(32) } }),
      'BAD_PASSPHRASE',
    );
    expect(await snapshot(dir)).toEqual(before);
  });

  it('opens with a master key instead of a passphrase', async () => {
    const masterKey = randomBytes(32);
    const store = await createSoftKeyProvider({ directory: await tempDir(), secret: { masterKey } });
    const key = await store.generateKey({ name: 'ci', spec: 'ec-p384' });
    const signer = await createSigner(store, key.uri);
    expect((await signer.sign(new Uint8Array(48))).length).toBeGreaterThan(60);
  });

  it('derives the key-encryption key with the production scrypt cost by default', async () => {
    const directory = await tempDir();
    await createSoftKeyProvider({ directory, secret: { passphrase: 'p' } });
    const header = JSON.parse(await readFile(join(directory, 'keystore.json'), 'utf8'));
    expect(header.kdf).toMatchObject({ name: 'scrypt', N: 131072, r: 8, p: 1 });
  });

  it('reports a corrupt key file with KEYSTORE_CORRUPT, and changes nothing on disk', async () => {
    await soft.generateKey({ name: 'damaged', spec: 'ec-p256' });
    const path = join(dir, 'keys', 'damaged.json');
    const record = JSON.parse(await readFile(path, 'utf8'));
    const sealed = Buffer.from(record.sealed.data, 'base64');
    sealed[5]! ^= 1;
    record.sealed.data = sealed.toString('base64');
    await writeFile(path, JSON.stringify(record));
    const before = await snapshot(dir);
    const reopened = await openTestStore(dir);
    await expectCode(
      reopened.sign({ key: 'soft://damaged', algorithm: 'ecdsa-p256-sha256', digest: new Uint8Array(32) }),
      'KEYSTORE_CORRUPT',
    );
    await writeFile(path, '{ not json');
    await expectCode(reopened.getKey('soft://damaged'), 'KEYSTORE_CORRUPT');
    await writeFile(path, JSON.stringify(record)); // restore the bytes the snapshot saw
    expect(await snapshot(dir)).toEqual(before);
  });

  it('refuses a swapped public key (the sealed key is bound to its record)', async () => {
    await soft.generateKey({ name: 'victim', spec: 'ec-p256' });
    const other = await soft.generateKey({ name: 'other', spec: 'ec-p256' });
    const path = join(dir, 'keys', 'victim.json');
    const record = JSON.parse(await readFile(path, 'utf8'));
    record.publicKey = Buffer.from(other.publicKey).toString('base64');
    await writeFile(path, JSON.stringify(record));
    await expectCode(
      (await openTestStore(dir)).sign({
        key: 'soft://victim',
        algorithm: 'ecdsa-p256-sha256',
        digest: new Uint8Array(32),
      }),
      'KEYSTORE_CORRUPT',
    );
  });

  it('refuses a digest of the wrong length and an unknown algorithm, and changes nothing on disk', async () => {
    const before = await snapshot(dir);
    await expectCode(
      soft.sign({ key: 'soft://release', algorithm: 'ecdsa-p256-sha256', digest: new Uint8Array(31) }),
      'DIGEST_LENGTH_MISMATCH',
    );
    await expectCode(
      soft.sign({ key: 'soft://release', algorithm: 'ecdsa-p256-sha256', digest: new Uint8Array(64) }),
      'DIGEST_LENGTH_MISMATCH',
    );
    await expectCode(
      soft.sign({ key: 'soft://release', algorithm: 'ed25519' as never, digest: new Uint8Array(32) }),
      'UNSUPPORTED_ALGORITHM',
    );
    await expectCode(
      soft.sign({ key: 'soft://release', algorithm: 'rsa-pss-sha256', digest: new Uint8Array(32) }),
      'ALGORITHM_KEY_MISMATCH',
    );
    await expectCode(
      soft.sign({ key: 'soft://missing', algorithm: 'ecdsa-p256-sha256', digest: new Uint8Array(32) }),
      'KEY_NOT_FOUND',
    );
    await expectCode(
      soft.sign({ key: 'soft://../etc/passwd', algorithm: 'ecdsa-p256-sha256', digest: new Uint8Array(32) }),
      'INVALID_KEY_URI',
    );
    expect(await snapshot(dir)).toEqual(before);
  });

  it('refuses to create a key twice or with an unsafe name', async () => {
    await expectCode(soft.generateKey({ name: 'release', spec: 'ec-p256' }), 'KEY_EXISTS');
    await expectCode(soft.generateKey({ name: '../x', spec: 'ec-p256' }), 'INVALID_ARGUMENT');
    await expectCode(soft.generateKey({ name: 'ok', spec: 'dsa-1024' as never }), 'UNSUPPORTED_ALGORITHM');
  });

  it('imports a PKCS#8 key and signs with it', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const info = await soft.importKey({
      name: 'imported',
      pkcs8: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    });
    expect(info.spec).toBe('ec-p384');
    await expectCode(soft.importKey({ name: 'junk', pkcs8: 'not a key' }), 'INVALID_ARGUMENT');
  });

  it('refuses calls after close', async () => {
    const store = await openTestStore(dir);
    await store.close();
    await expectCode(store.listKeys(), 'PROVIDER_CLOSED');
  });
});
