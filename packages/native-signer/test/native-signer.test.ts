import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, randomBytes, sign as nodeSign, verify, type KeyObject } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { available, loadError, loadPrivateKey, type PrehashHash, type PrehashScheme } from '../index.mjs';
import { digestOf, ecKey, errorCode, opensslVerify, rsaKey, type TestKey } from './helpers.js';

const entry = fileURLToPath(new URL('../index.cjs', import.meta.url));

function nodeVerify(
  key: KeyObject,
  scheme: PrehashScheme,
  hash: PrehashHash,
  message: Uint8Array,
  signature: Uint8Array,
) {
  const options =
    scheme === 'pss' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {};
  return verify(hash, message, { key, ...options }, signature);
}

const keys: Record<string, TestKey> = {};
beforeAll(() => {
  for (const key of [rsaKey(2048), rsaKey(3072), ecKey('P-256'), ecKey('P-384'), ecKey('P-521')]) keys[key.name] = key;
});

const cases: [key: string, scheme: PrehashScheme, hash: PrehashHash][] = [
  ...(['RSA-2048', 'RSA-3072'] as const).flatMap((key) =>
    (['pkcs1', 'pss'] as const).flatMap((scheme) =>
      (['sha256', 'sha384', 'sha512'] as const).map((hash): [string, PrehashScheme, PrehashHash] => [
        key,
        scheme,
        hash,
      ]),
    ),
  ),
  ['P-256', 'ecdsa', 'sha256'],
  ['P-384', 'ecdsa', 'sha384'],
  ['P-521', 'ecdsa', 'sha512'],
];

describe('@signet/native-signer', () => {
  it('loads its addon here', () => {
    expect(loadError).toBeUndefined();
    expect(available).toBe(true);
  });

  it('reports available: false, and does not throw on import, when the addon was not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'native-signer-unbuilt-'));
    try {
      copyFileSync(entry, join(dir, 'index.cjs'));
      const script = `
        const native = require('./index.cjs');
        let code;
        try { native.loadPrivateKey(new Uint8Array(8)); } catch (error) { code = error.code; }
        process.stdout.write(JSON.stringify([native.available, native.loadError.code, code]));`;
      const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual([false, 'MODULE_NOT_FOUND', 'UNAVAILABLE']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('signs a precomputed digest so that openssl and node:crypto verify it', () => {
    it.each(cases)('%s %s %s, sync and async', async (name, scheme, hash) => {
      const { pkcs8, publicKey } = keys[name]!;
      const key = loadPrivateKey(pkcs8);
      const message = randomBytes(100);
      const digest = digestOf(hash, message);
      for (const signature of [key.sign(scheme, hash, digest), await key.signAsync(scheme, hash, digest)]) {
        expect(opensslVerify(publicKey, scheme, hash, digest, signature)).toBe(true);
        expect(nodeVerify(publicKey, scheme, hash, message, signature)).toBe(true);
      }
    });

    it('and openssl rejects the signature for another digest', () => {
      const { pkcs8, publicKey } = keys['P-256']!;
      const digest = digestOf('sha256', Buffer.from('one'));
      const signature = loadPrivateKey(pkcs8).sign('ecdsa', 'sha256', digest);
      expect(opensslVerify(publicKey, 'ecdsa', 'sha256', digestOf('sha256', Buffer.from('two')), signature)).toBe(
        false,
      );
    });

    it('matches node:crypto byte for byte where signing is deterministic (PKCS#1 v1.5)', () => {
      const { pkcs8 } = keys['RSA-2048']!;
      const privateKey = { key: pkcs8, format: 'der', type: 'pkcs8' } as const;
      const message = Buffer.from('deterministic');
      const signature = loadPrivateKey(pkcs8).sign('pkcs1', 'sha384', digestOf('sha384', message));
      expect(signature.equals(nodeSign('sha384', message, privateKey))).toBe(true);
    });

    it('reads a digest that is a view into a larger buffer', () => {
      const { pkcs8, publicKey } = keys['P-256']!;
      const message = Buffer.from('view');
      const backing = Buffer.concat([Buffer.alloc(7, 0xaa), digestOf('sha256', message), Buffer.alloc(5, 0xbb)]);
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 7, 32);
      const signature = loadPrivateKey(pkcs8).sign('ecdsa', 'sha256', view);
      expect(verify('sha256', message, publicKey, signature)).toBe(true);
    });
  });

  describe('signAsync', () => {
    it('keeps 200 concurrent signatures apart', async () => {
      const ec = loadPrivateKey(keys['P-256']!.pkcs8);
      const rsa = loadPrivateKey(keys['RSA-2048']!.pkcs8);
      const jobs = Array.from({ length: 200 }, (_, i) => {
        const message = Buffer.from(`message ${i}`);
        const [key, scheme, publicKey] =
          i % 4 === 0
            ? [rsa, 'pss' as const, keys['RSA-2048']!.publicKey]
            : [ec, 'ecdsa' as const, keys['P-256']!.publicKey];
        return key
          .signAsync(scheme, 'sha256', digestOf('sha256', message))
          .then((signature) => nodeVerify(publicKey, scheme, 'sha256', message, signature));
      });
      expect(await Promise.all(jobs)).toEqual(Array(200).fill(true));
    });

    it('copies the digest, so changing it afterwards changes nothing', async () => {
      const { pkcs8, publicKey } = keys['P-256']!;
      const message = Buffer.from('copied');
      const digest = digestOf('sha256', message);
      const pending = loadPrivateKey(pkcs8).signAsync('ecdsa', 'sha256', digest);
      digest.fill(0);
      expect(verify('sha256', message, publicKey, await pending)).toBe(true);
    });

    it('keeps the key alive while jobs run, even when the handle is collected', () => {
      const script = `
        const { createHash, generateKeyPairSync, verify } = require('node:crypto');
        const { loadPrivateKey } = require(${JSON.stringify(entry)});
        const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const digest = createHash('sha256').update('alive').digest();
        let key = loadPrivateKey(privateKey.export({ type: 'pkcs8', format: 'der' }));
        const jobs = Array.from({ length: 40 }, () => key.signAsync('pkcs1', 'sha256', digest));
        key = null;
        for (let i = 0; i < 5; i++) globalThis.gc();
        Promise.all(jobs).then((sigs) => {
          globalThis.gc();
          process.stdout.write(String(sigs.every((s) => verify('sha256', Buffer.from('alive'), publicKey, s))));
        });`;
      expect(execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' })).toBe('true');
    });

    it('rejects, rather than throws, on bad input', async () => {
      const key = loadPrivateKey(keys['P-256']!.pkcs8);
      const pending = key.signAsync('ecdsa', 'sha256', new Uint8Array(31));
      expect(pending).toBeInstanceOf(Promise);
      await expect(pending).rejects.toMatchObject({ code: 'DIGEST_LENGTH_MISMATCH' });
    });
  });

  describe('refuses', () => {
    it.each([
      ['P-256', 'ecdsa', 'sha256', 31],
      ['P-256', 'ecdsa', 'sha256', 48],
      ['P-384', 'ecdsa', 'sha384', 32],
      ['RSA-2048', 'pkcs1', 'sha512', 0],
      ['RSA-2048', 'pss', 'sha256', 33],
    ] as const)('a %s %s/%s digest of %i bytes with DIGEST_LENGTH_MISMATCH', async (name, scheme, hash, length) => {
      const key = loadPrivateKey(keys[name]!.pkcs8);
      expect(await errorCode(() => key.sign(scheme, hash, new Uint8Array(length)))).toBe('DIGEST_LENGTH_MISMATCH');
      expect(await errorCode(() => key.signAsync(scheme, hash, new Uint8Array(length)))).toBe('DIGEST_LENGTH_MISMATCH');
    });

    it.each([
      ['RSA-2048', 'ecdsa'],
      ['P-256', 'pkcs1'],
      ['P-256', 'pss'],
    ] as const)('a %s key with %s: ALGORITHM_KEY_MISMATCH', async (name, scheme) => {
      const key = loadPrivateKey(keys[name]!.pkcs8);
      expect(await errorCode(() => key.sign(scheme, 'sha256', new Uint8Array(32)))).toBe('ALGORITHM_KEY_MISMATCH');
      expect(await errorCode(() => key.signAsync(scheme, 'sha256', new Uint8Array(32)))).toBe('ALGORITHM_KEY_MISMATCH');
    });

    const der = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'der' });
    it.each([
      ['garbage', () => Buffer.from('not a key at all')],
      ['an empty buffer', () => Buffer.alloc(0)],
      ['PKCS#8 with trailing bytes', () => Buffer.concat([keys['P-256']!.pkcs8, Buffer.from([0])])],
      ['a truncated PKCS#8', () => keys['P-256']!.pkcs8.subarray(0, 60)],
      ['a public key (SPKI)', () => keys['P-256']!.publicKey.export({ type: 'spki', format: 'der' })],
      ['an Ed25519 key', () => der(generateKeyPairSync('ed25519').privateKey)],
      ['a secp256k1 key', () => der(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey)],
      ['an RSASSA-PSS-only key', () => der(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey)],
    ])('%s as a key with INVALID_KEY', async (_, bytes) => {
      expect(await errorCode(() => loadPrivateKey(bytes()))).toBe('INVALID_KEY');
    });

    it('unknown schemes and hashes with UNSUPPORTED_ALGORITHM', async () => {
      const key = loadPrivateKey(keys['RSA-2048']!.pkcs8);
      for (const [scheme, hash] of [
        ['rsa', 'sha256'],
        ['pkcs1', 'sha1'],
        ['pkcs1', 'SHA256'],
        ['pkcs1', 'sha2566'],
        ['pkcs1', 7],
      ]) {
        expect(await errorCode(() => key.sign(scheme as PrehashScheme, hash as PrehashHash, new Uint8Array(32)))).toBe(
          'UNSUPPORTED_ALGORITHM',
        );
      }
    });

    it('digests and keys that are not Uint8Arrays with INVALID_ARGUMENT', async () => {
      const key = loadPrivateKey(keys['P-256']!.pkcs8);
      for (const digest of ['a'.repeat(32), new Uint16Array(16), new ArrayBuffer(32), undefined]) {
        expect(await errorCode(() => key.sign('ecdsa', 'sha256', digest as unknown as Uint8Array))).toBe(
          'INVALID_ARGUMENT',
        );
      }
      expect(await errorCode(() => loadPrivateKey('key' as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
    });

    it('what OpenSSL cannot sign with SIGN_FAILED (PSS/SHA-512 needs more than a 1024-bit key)', async () => {
      const small = rsaKey(1024);
      const key = loadPrivateKey(small.pkcs8);
      expect(await errorCode(() => key.sign('pss', 'sha512', new Uint8Array(64)))).toBe('SIGN_FAILED');
      expect(await errorCode(() => key.signAsync('pss', 'sha512', new Uint8Array(64)))).toBe('SIGN_FAILED');
      // The failure leaves OpenSSL's error queue as it was: node:crypto still works normally.
      expect(nodeSign('sha256', Buffer.from('after'), { key: small.pkcs8, format: 'der', type: 'pkcs8' })).toHaveLength(
        128,
      );
    });
  });

  it('works in worker threads (the addon is context-aware)', async () => {
    const worker = new Worker(
      `const { createHash, generateKeyPairSync, verify } = require('node:crypto');
       const { parentPort } = require('node:worker_threads');
       const { loadPrivateKey } = require(${JSON.stringify(entry)});
       const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
       const key = loadPrivateKey(privateKey.export({ type: 'pkcs8', format: 'der' }));
       key.signAsync('ecdsa', 'sha384', createHash('sha384').update('worker').digest())
         .then((s) => parentPort.postMessage(verify('sha384', Buffer.from('worker'), publicKey, s)));`,
      { eval: true },
    );
    const result = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(result).toBe(true);
  });
});
