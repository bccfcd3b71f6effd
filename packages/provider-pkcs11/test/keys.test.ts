import { isSignetError, type SignetErrorCode } from '@signet/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalPkcs11Uri, createPkcs11Provider, type Pkcs11Provider } from '../src/index.js';
import { createSoftHsm, MODULE, pkcs11Tool, toolKeyPair, type TestToken } from './helpers/softhsm.js';

async function code(call: Promise<unknown>): Promise<SignetErrorCode | string> {
  try {
    await call;
    return 'succeeded';
  } catch (error) {
    return isSignetError(error) ? error.code : `foreign: ${String(error)}`;
  }
}

describe('keys on a PKCS#11 token', () => {
  let token: TestToken;
  let hsm: Pkcs11Provider;

  beforeAll(async () => {
    [token] = (await createSoftHsm(['keys'])) as [TestToken];
    await toolKeyPair(token, 'EC:prime256v1', 'a1', 'tool-p256');
    await toolKeyPair(token, 'EC:prime256v1', 'b1', 'twin');
    await toolKeyPair(token, 'EC:prime256v1', 'b2', 'twin');
    await pkcs11Tool(token, ['--keypairgen', '--key-type', 'EC:prime256v1', '--id', 'c1']); // no label
    await toolKeyPair(token, 'rsa:1024', 'd1', 'too-small');
    hsm = await createPkcs11Provider({ module: MODULE, token: 'keys', pin: token.pin });
  });
  afterAll(() => hsm?.close());

  describe('generateKey', () => {
    it('creates a sensitive, never extractable signing key on the token', async () => {
      const key = await hsm.generateKey({ name: 'release', spec: 'ec-p256' });
      expect(key.uri).toBe('pkcs11:token=keys;object=release');
      expect(key.spec).toBe('ec-p256');
      const listing = await pkcs11Tool(token, ['--list-objects', '--type', 'privkey', '--label', 'release']);
      expect(listing).toContain('sensitive, always sensitive, never extractable, local');
      expect(listing).toMatch(/Usage:\s+sign\n/);
    });

    it('refuses a name the token already has with KEY_EXISTS, also when asked twice at once', async () => {
      expect(await code(hsm.generateKey({ name: 'tool-p256', spec: 'ec-p384' }))).toBe('KEY_EXISTS');
      const results = await Promise.all([0, 1].map(() => code(hsm.generateKey({ name: 'once', spec: 'ec-p256' }))));
      expect(results.sort()).toEqual(['KEY_EXISTS', 'succeeded']);
    });

    it('refuses a bad name or an unknown spec', async () => {
      expect(await code(hsm.generateKey({ name: 'has space', spec: 'ec-p256' }))).toBe('INVALID_ARGUMENT');
      expect(await code(hsm.generateKey({ name: 'ed', spec: 'ed25519' as never }))).toBe('UNSUPPORTED_ALGORITHM');
    });
  });

  describe('URIs', () => {
    it('lists keys under canonical URIs that round-trip through getKey', async () => {
      const keys = await hsm.listKeys();
      const uris = keys.map((k) => k.uri);
      expect(uris).toEqual(
        expect.arrayContaining([
          'pkcs11:token=keys;object=tool-p256',
          'pkcs11:token=keys;object=twin;id=%B1', // a label two keys share: the id picks one
          'pkcs11:token=keys;object=twin;id=%B2',
          'pkcs11:token=keys;id=%C1', // no label
        ]),
      );
      expect(uris.some((u) => u.includes('too-small'))).toBe(false); // RSA-1024: not a Signet key
      for (const key of keys) {
        expect(canonicalPkcs11Uri(key.uri)).toBe(key.uri);
        expect((await hsm.getKey(key.uri)).uri).toBe(key.uri);
      }
    });

    it('finds a key by any URI that names it, and answers with the canonical one', async () => {
      const { serial, manufacturer, model } = hsm.token;
      const enc = encodeURIComponent;
      for (const uri of [
        'pkcs11:object=tool-p256',
        'pkcs11:id=%a1',
        'pkcs11:object=tool-%70256;type=private',
        'pkcs11:object=tool-p256;type=cert',
        `pkcs11:manufacturer=${enc(manufacturer)};model=${enc(model)};serial=${serial};token=keys;object=tool-p256`,
      ]) {
        expect((await hsm.getKey(uri)).uri, uri).toBe('pkcs11:token=keys;object=tool-p256');
      }
    });

    it('refuses a URI of another token, an ambiguous one, or one that names no key pair', async () => {
      expect(await code(hsm.getKey('pkcs11:token=other;object=tool-p256'))).toBe('KEY_NOT_FOUND');
      expect(await code(hsm.getKey('pkcs11:serial=0000;object=tool-p256'))).toBe('KEY_NOT_FOUND');
      expect(await code(hsm.getKey('pkcs11:token=keys;object=twin'))).toBe('INVALID_KEY_URI');
      expect(await code(hsm.getKey('pkcs11:token=keys'))).toBe('INVALID_KEY_URI');
      expect(await code(hsm.getKey('pkcs11:object=tool-p256;type=secret-key'))).toBe('INVALID_KEY_URI');
      expect(await code(hsm.getKey('pkcs11:object=tool-p256?pin-value=1234'))).toBe('INVALID_KEY_URI');
      expect(await code(hsm.getKey('pkcs11:object=too-small'))).toBe('UNSUPPORTED_ALGORITHM');
    });

    it('signs with a key under a URI that names it by id only', async () => {
      const signature = await hsm.sign({
        key: 'pkcs11:token=keys;id=%C1',
        algorithm: 'ecdsa-p256-sha256',
        digest: new Uint8Array(32),
      });
      expect(signature[0]).toBe(0x30); // DER
    });
  });

  describe('garbage in', () => {
    it('answers with typed errors, never a TypeError', async () => {
      const bare = Object.create(null) as never;
      const digest = new Uint8Array(32);
      expect(await code(hsm.getKey(bare))).toBe('INVALID_KEY_URI');
      expect(await code(hsm.getKey(42 as never))).toBe('INVALID_KEY_URI');
      expect(await code(hsm.sign({ key: bare, algorithm: 'ecdsa-p256-sha256', digest }))).toBe('INVALID_KEY_URI');
      expect(await code(hsm.sign({ key: 'pkcs11:object=tool-p256', algorithm: bare, digest }))).toBe(
        'UNSUPPORTED_ALGORITHM',
      );
      expect(
        await code(hsm.sign({ key: 'pkcs11:object=tool-p256', algorithm: 'ecdsa-p256-sha256', digest: bare })),
      ).toBe('DIGEST_LENGTH_MISMATCH');
      expect(await code(hsm.generateKey({ name: bare, spec: 'ec-p256' }))).toBe('INVALID_ARGUMENT');
      expect(await code(hsm.generateKey({ name: 'fine', spec: bare }))).toBe('UNSUPPORTED_ALGORITHM');
      expect(await code(hsm.setCertificates({ key: 'pkcs11:object=tool-p256', certificates: bare }))).toBe(
        'INVALID_CERTIFICATE',
      );
      expect(
        await code(hsm.setCertificates({ key: 'pkcs11:object=tool-p256', certificates: [new Uint8Array(3)] })),
      ).toBe('INVALID_CERTIFICATE');
    });
  });

  describe('after close', () => {
    it('refuses every call with PROVIDER_CLOSED', async () => {
      const other = await createPkcs11Provider({ module: MODULE, token: 'keys', pin: token.pin });
      await other.close();
      await other.close();
      expect(await code(other.listKeys())).toBe('PROVIDER_CLOSED');
      expect(await code(other.getKey('pkcs11:object=tool-p256'))).toBe('PROVIDER_CLOSED');
      expect(
        await code(
          other.sign({ key: 'pkcs11:object=tool-p256', algorithm: 'ecdsa-p256-sha256', digest: new Uint8Array(32) }),
        ),
      ).toBe('PROVIDER_CLOSED');
      // the shared module stays initialized for the provider still open
      expect((await hsm.getKey('pkcs11:object=tool-p256')).spec).toBe('ec-p256');
    });
  });
});
