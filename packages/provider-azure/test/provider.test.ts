import { randomBytes } from 'node:crypto';
import { createSigner, isSignetError, type SignetErrorCode } from '@signet/sdk';
import { verifyDigestSignature } from '@signet/sdk/formats/raw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVault, type FakeVault } from './fake-vault/fake-vault.js';
import { keyUri, openProvider } from './helpers/provider.js';

async function codeOf(call: Promise<unknown>): Promise<SignetErrorCode | 'resolved' | 'not a SignetError'> {
  try {
    await call;
    return 'resolved';
  } catch (error) {
    return isSignetError(error) ? error.code : 'not a SignetError';
  }
}

const sha256 = () => randomBytes(32);

let vault: FakeVault;
beforeAll(async () => {
  vault = await startFakeVault();
  await vault.createKey('ec', 'ec-p256');
  await vault.createKey('rsa', 'rsa-2048', { hsm: true, leadingZero: true });
});
afterAll(() => vault.close());

describe('the Azure Key Vault provider', () => {
  describe('authenticates with the bearer challenge', () => {
    it('sends its first request without a token, answers the 401 challenge with a token for the named tenant and resource, then reuses it', async () => {
      const { provider, credential } = openProvider(vault);
      const from = vault.requests.length;
      await provider.getKey(keyUri(vault, 'ec'));
      await provider.getKey(keyUri(vault, 'rsa'));
      const seen = vault.requests.slice(from);
      expect(seen.map((r) => [r.authorized, r.status])).toEqual([
        [false, 401],
        [true, 200],
        [true, 200],
      ]);
      expect(credential.calls[0]).toEqual({ scopes: ['https://vault.azure.net/.default'], tenantId: vault.tenant });
    });

    it('refuses a challenge naming another resource unless told the vault sits behind another domain', async () => {
      const { provider } = openProvider(vault, { clientOptions: { tlsOptions: { ca: vault.ca } } });
      const error = await provider.getKey(keyUri(vault, 'ec')).catch((e: unknown) => e);
      expect(isSignetError(error, 'PERMISSION_DENIED')).toBe(true);
      expect((error as { details: Record<string, unknown> }).details.reason).toBe('challenge-resource');
    });

    it('verifies the vault certificate: without the fake CA trusted, nothing is sent, and nothing retried', async () => {
      const { provider } = openProvider(vault, { clientOptions: { disableChallengeResourceVerification: true } });
      const from = vault.requests.length;
      const error = await provider.getKey(keyUri(vault, 'ec')).catch((e: unknown) => e);
      expect(isSignetError(error, 'INTERNAL')).toBe(true);
      expect((error as { details: Record<string, unknown> }).details.reason).toBe('tls-verification');
      expect(vault.requests.length).toBe(from);
    });
  });

  describe('describes keys', () => {
    it('converts the vault JWK to the SubjectPublicKeyInfo Node writes for the same key', async () => {
      const { provider } = openProvider(vault);
      for (const name of ['ec', 'rsa']) {
        const key = await provider.getKey(keyUri(vault, name));
        expect(Buffer.from(key.publicKey).equals(vault.versions(name)[0]!.spki!)).toBe(true);
      }
      const rsa = await provider.getKey(keyUri(vault, 'rsa'));
      expect(rsa.spec).toBe('rsa-2048');
      expect(rsa.algorithms[0]).toBe('rsa-pkcs1-sha256');
      expect(rsa.algorithms).toContain('rsa-pss-sha512');
      expect(rsa.certificates).toEqual([]);
      expect(rsa.createdAt).toBeInstanceOf(Date);
    });

    it('lists only keys that can sign now, across pages', async () => {
      const v = await startFakeVault({ pageSize: 2 });
      try {
        await v.createKey('ok-1', 'ec-p256');
        await v.createKey('ok-2', 'ec-p384');
        await v.createKey('disabled', 'ec-p256', { enabled: false });
        await v.createKey('verify-only', 'ec-p256', { keyOps: ['verify'] });
        await v.createKey('expired', 'ec-p256', { expiresOn: new Date(Date.now() - 60_000) });
        await v.createKey('secp256k1', 'ec-p256k');
        await v.createKey('symmetric', 'oct');
        const { provider } = openProvider(v);
        const listed = await provider.listKeys();
        expect(listed.map((k) => k.uri)).toEqual([keyUri(v, 'ok-1'), keyUri(v, 'ok-2')]);
        expect(v.requests.filter((r) => r.path === '/keys' && r.status === 200).length).toBe(4);
      } finally {
        await v.close();
      }
    });

    it('refuses keys Signet cannot sign with, URIs it cannot read, and vaults it does not serve', async () => {
      await vault.createKey('k256', 'ec-p256k');
      const { provider } = openProvider(vault);
      expect(await codeOf(provider.getKey(keyUri(vault, 'k256')))).toBe('UNSUPPORTED_ALGORITHM');
      expect(await codeOf(provider.getKey('azurekv://other.vault.azure.net/keys/ec'))).toBe('KEY_NOT_FOUND');
      expect(await codeOf(provider.getKey(`azurekv://${vault.host}/secrets/ec`))).toBe('INVALID_KEY_URI');
      expect(await codeOf(provider.getKey(keyUri(vault, 'missing')))).toBe('KEY_NOT_FOUND');
    });
  });

  describe('signs in the vault', () => {
    it('posts each digest to /keys/NAME/VERSION/sign, and a cold key costs two reads for a hundred signatures', async () => {
      const name = 'burst';
      const { version } = await vault.createKey(name, 'ec-p256');
      const { provider } = openProvider(vault);
      const uri = keyUri(vault, name);
      const from = vault.requests.length;
      const digests = Array.from({ length: 100 }, sha256);
      const signatures = await Promise.all(
        digests.map((digest) => provider.sign({ key: uri, algorithm: 'ecdsa-p256-sha256', digest })),
      );
      const seen = vault.requests.slice(from).filter((r) => r.authorized);
      expect(seen.filter((r) => r.method === 'POST' && r.path === `/keys/${name}/${version}/sign`).length).toBe(100);
      // Ours (current version), and the Azure CryptographyClient's own, once.
      expect(seen.filter((r) => r.method === 'GET').length).toBe(2);
      const { publicKey } = await provider.getKey(uri);
      signatures.forEach((signature, i) =>
        expect(
          verifyDigestSignature({ publicKey, algorithm: 'ecdsa-p256-sha256', digest: digests[i]!, signature }),
        ).toBe(true),
      );
    });

    it('refuses, without a vault call, a key whose key_ops exclude sign or that has expired', async () => {
      await vault.createKey('no-sign', 'ec-p256', { keyOps: ['verify'] });
      await vault.createKey('old', 'ec-p256', { expiresOn: new Date(Date.now() - 1000) });
      const { provider } = openProvider(vault);
      for (const name of ['no-sign', 'old']) {
        const from = vault.requests.length;
        const call = provider.sign({ key: keyUri(vault, name), algorithm: 'ecdsa-p256-sha256', digest: sha256() });
        expect(await codeOf(call)).toBe('PERMISSION_DENIED');
        expect(vault.requests.slice(from).filter((r) => r.method === 'POST')).toEqual([]);
      }
    });

    it('leaves a disabled key to the vault, which refuses it with 403', async () => {
      await vault.createKey('off', 'ec-p256', { enabled: false });
      const { provider } = openProvider(vault);
      const call = provider.sign({ key: keyUri(vault, 'off'), algorithm: 'ecdsa-p256-sha256', digest: sha256() });
      expect(await codeOf(call)).toBe('PERMISSION_DENIED');
    });
  });

  describe('handles key versions', () => {
    it('signs with the pinned version, or with the current one for an unversioned URI', async () => {
      const v1 = await vault.createKey('rotating', 'ec-p256');
      const { provider } = openProvider(vault, { keyCacheTtlMs: 0 });
      const v2 = await vault.createKey('rotating', 'ec-p384');
      const pinned = await createSigner(provider, keyUri(vault, 'rotating', v1.version));
      expect(pinned.key.spec).toBe('ec-p256');
      const current = await createSigner(provider, keyUri(vault, 'rotating'));
      expect(current.key.spec).toBe('ec-p384');
      expect(Buffer.from(current.key.publicKey).equals(v2.spki!)).toBe(true);
      for (const signer of [pinned, current]) {
        const digest = randomBytes(signer.algorithm.digestLength);
        const signature = await signer.sign(digest);
        const { publicKey } = signer.key;
        expect(verifyDigestSignature({ publicKey, algorithm: signer.algorithm.id, digest, signature })).toBe(true);
      }
    });

    it('lists every version newest first, under pinned URIs, disabled ones included', async () => {
      const a = await vault.createKey('history', 'rsa-2048');
      const b = await vault.createKey('history', 'ec-p256', { enabled: false });
      const c = await vault.createKey('history', 'ec-p521');
      const { provider } = openProvider(vault);
      const versions = await provider.listKeyVersions(keyUri(vault, 'history'));
      expect(versions.map((k) => k.uri)).toEqual([c, b, a].map((v) => keyUri(vault, 'history', v.version)));
      expect(versions.map((k) => k.spec)).toEqual(['ec-p521', 'ec-p256', 'rsa-2048']);
      expect(await codeOf(provider.listKeyVersions(keyUri(vault, 'never-created')))).toBe('KEY_NOT_FOUND');
    });

    it('reuses the resolved current version for keyCacheTtlMs, then follows a rotation', async () => {
      await vault.createKey('cached', 'ec-p256');
      const { provider } = openProvider(vault, { keyCacheTtlMs: 60_000 });
      const uri = keyUri(vault, 'cached');
      await provider.sign({ key: uri, algorithm: 'ecdsa-p256-sha256', digest: sha256() });
      const rotated = await vault.createKey('cached', 'ec-p256');
      const from = vault.requests.length;
      await provider.sign({ key: uri, algorithm: 'ecdsa-p256-sha256', digest: sha256() });
      expect(vault.requests.slice(from).map((r) => r.method)).toEqual(['POST']);
      expect(vault.requests.at(-1)!.path).not.toContain(rotated.version);
      // getKey always asks the vault, and what it learns serves the next signature.
      expect(Buffer.from((await provider.getKey(uri)).publicKey).equals(rotated.spki!)).toBe(true);
      await provider.sign({ key: uri, algorithm: 'ecdsa-p256-sha256', digest: sha256() });
      expect(vault.requests.filter((r) => r.method === 'POST').at(-1)!.path).toContain(rotated.version);
    });
  });

  describe('creates keys', () => {
    it('creates an HSM key by default, allowed to sign and verify only, and signs with it', async () => {
      const { provider } = openProvider(vault);
      const key = await provider.generateKey({ name: 'fresh-rsa', spec: 'rsa-3072' });
      expect(key.uri).toBe(keyUri(vault, 'fresh-rsa'));
      expect(key.spec).toBe('rsa-3072');
      const stored = vault.versions('fresh-rsa')[0]!;
      expect([stored.kty, stored.keyOps]).toEqual(['RSA-HSM', ['sign', 'verify']]);
      const digest = randomBytes(48);
      const signature = await provider.sign({ key: key.uri, algorithm: 'rsa-pss-sha384', digest });
      expect(verifyDigestSignature({ publicKey: key.publicKey, algorithm: 'rsa-pss-sha384', digest, signature })).toBe(
        true,
      );
    });

    it('creates software keys with hsm: false', async () => {
      const { provider } = openProvider(vault, { hsm: false });
      await provider.generateKey({ name: 'fresh-ec', spec: 'ec-p384' });
      expect(vault.versions('fresh-ec')[0]!.kty).toBe('EC');
    });

    it('refuses an existing name, a soft-deleted one, a bad name and an unknown spec', async () => {
      vault.softDelete('tombstone');
      const { provider } = openProvider(vault);
      expect(await codeOf(provider.generateKey({ name: 'ec', spec: 'ec-p256' }))).toBe('KEY_EXISTS');
      expect(await codeOf(provider.generateKey({ name: 'k256', spec: 'ec-p256' }))).toBe('KEY_EXISTS');
      expect(await codeOf(provider.generateKey({ name: 'tombstone', spec: 'ec-p256' }))).toBe('KEY_EXISTS');
      expect(await codeOf(provider.generateKey({ name: 'no_underscores', spec: 'ec-p256' }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(provider.generateKey({ name: 'x', spec: 'ed25519' as never }))).toBe('UNSUPPORTED_ALGORITHM');
      expect(vault.versions('ec').length).toBe(1);
    });
  });

  describe('has a lifecycle', () => {
    it('declares what it can do: create keys, not hash messages or store certificates', () => {
      const { provider } = openProvider(vault);
      expect(provider.scheme).toBe('azurekv');
      expect(provider.capabilities).toEqual({ generateKeys: true, signMessage: false, storeCertificates: false });
      expect('setCertificates' in provider).toBe(false);
    });

    it('refuses every call after close with PROVIDER_CLOSED', async () => {
      const { provider } = openProvider(vault);
      await provider.close();
      const uri = keyUri(vault, 'ec');
      expect(await codeOf(provider.getKey(uri))).toBe('PROVIDER_CLOSED');
      expect(await codeOf(provider.listKeys())).toBe('PROVIDER_CLOSED');
      expect(await codeOf(provider.sign({ key: uri, algorithm: 'ecdsa-p256-sha256', digest: sha256() }))).toBe(
        'PROVIDER_CLOSED',
      );
    });
  });
});
