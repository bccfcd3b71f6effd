import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  exportPgpPublicKey,
  pgpAlgorithmFor,
  readPgpSignature,
  signPgpDetached,
} from '../../../src/formats/pgp/index.js';
import type { SoftKeyProvider } from '../../../src/provider/soft/index.js';
import { gpgHome, sqVerify, type CommandResult } from './gpg.js';
import { createSigner, type KeySpec } from '../../helpers/sdk.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';

/** Keys and signatures made here, checked by the tools users trust: gpg 2.2 and sq 0.27. */
describe('an OpenPGP key and .asc signature from a provider key', () => {
  let dir: string;
  let soft: SoftKeyProvider;
  let gpg: (args: string[]) => Promise<CommandResult>;
  let file: string;
  let tampered: string;

  beforeAll(async () => {
    dir = await tempDir();
    soft = await openTestStore(join(dir, 'keys'));
    gpg = await gpgHome(dir);
    file = join(dir, 'artifact.bin');
    tampered = join(dir, 'tampered.bin');
    const data = randomBytes(3 * 1024 * 1024 + 5);
    await writeFile(file, data);
    data[data.length - 1]! ^= 1;
    await writeFile(tampered, data);
  });

  describe.each([
    ['rsa-2048', 'rsa-pkcs1-sha256', '1'],
    ['rsa-3072', 'rsa-pkcs1-sha512', '1'],
    ['ec-p256', 'ecdsa-p256-sha256', '19'],
    ['ec-p384', 'ecdsa-p384-sha384', '19'],
    ['ec-p521', 'ecdsa-p521-sha512', '19'],
  ] as const)('of type %s signing with %s', (spec: KeySpec, algorithm, gpgAlgorithm) => {
    let keyFile: string;
    let sigFile: string;
    let fingerprint: string;

    beforeAll(async () => {
      const info = await soft.generateKey({ name: spec, spec });
      const signer = await createSigner(soft, info.uri, { algorithm });
      const key = await exportPgpPublicKey(signer, { userId: `Signet ${spec} <${spec}@example.com>` });
      fingerprint = key.fingerprint;
      keyFile = join(dir, `${spec}.key.asc`);
      sigFile = join(dir, `${spec}.bin.asc`);
      await writeFile(keyFile, key.armored);
      await writeFile(sigFile, await signPgpDetached(signer, { path: file }));
      expect(pgpAlgorithmFor(info)).toBe(spec.startsWith('rsa') ? 'rsa-pkcs1-sha256' : algorithm);
    });

    it('imports into gpg with the fingerprint we computed', async () => {
      const imported = await gpg(['--import', keyFile]);
      expect(imported.stdout).toContain(`IMPORT_OK 1 ${fingerprint}`);
      const listed = await gpg(['--with-colons', '--fingerprint', fingerprint]);
      expect(listed.stdout).toMatch(new RegExp(`^fpr:+${fingerprint}:`, 'm'));
      // pub:<validity>:<bits>:<algorithm>:<keyid>:<created>:...; capabilities "scSC".
      const pub = listed.stdout
        .split('\n')
        .find((l) => l.startsWith('pub:'))!
        .split(':');
      expect(pub[3]).toBe(gpgAlgorithm);
      expect(pub[4]).toBe(fingerprint.slice(24));
      expect(pub[11]).toContain('s');
      const uid = listed.stdout.split('\n').find((l) => l.startsWith('uid:'))!;
      expect(uid).toContain(`Signet ${spec} <${spec}@example.com>`);
    });

    it('lists as a v4 key with a positive certification in gpg --list-packets', async () => {
      const { stdout } = await gpg(['--list-packets', keyFile]);
      expect(stdout).toMatch(/:public key packet:\s+version 4, algo \d+/);
      expect(stdout).toMatch(
        /:signature packet: algo \d+, keyid [0-9A-F]{16}\s+version 4, created \d+, md5len 0, sigclass 0x13/,
      );
      expect(stdout).toContain('hashed subpkt 33 len 21 (issuer fpr v4');
      expect(stdout).toContain('hashed subpkt 27 len 1 (key flags: 03)');
    });

    it('gives a signature that gpg verifies, and a modified file fails', async () => {
      const good = await gpg(['--trust-model', 'always', '--verify', sigFile, file]);
      expect(good.ok).toBe(true);
      expect(good.stdout).toContain(`VALIDSIG ${fingerprint}`);
      expect(good.stdout).toMatch(/GOODSIG [0-9A-F]{16} Signet/);
      const bad = await gpg(['--trust-model', 'always', '--verify', sigFile, tampered]);
      expect(bad.ok).toBe(false);
      expect(bad.stdout).toContain('BADSIG');
    });

    it('gives a signature that sq verifies, and a modified file fails', async () => {
      const good = await sqVerify(keyFile, sigFile, file);
      expect(good.stderr).toContain('1 good signature');
      expect(good.ok).toBe(true);
      const bad = await sqVerify(keyFile, sigFile, tampered);
      expect(bad.ok).toBe(false);
    });

    it('names its issuer and hash in the signature packet', async () => {
      const info = readPgpSignature(await readFile(sigFile, 'utf8'));
      expect(info.type).toBe(0);
      expect(info.issuerFingerprint).toBe(fingerprint);
      expect(info.issuerKeyId).toBe(fingerprint.slice(24));
      expect(info.hash).toBe(algorithm.slice(-6));
    });
  });
  describe('without a creation time from the provider', () => {
    it('exports an epoch-dated key whose signatures gpg and sq verify', async () => {
      const info = await soft.generateKey({ name: 'no-date', spec: 'ec-p256' });
      const base = await createSigner(soft, info.uri);
      const { createdAt: _, ...key } = base.key;
      const signer = { ...base, key };
      const exported = await exportPgpPublicKey(signer, { userId: 'No date <no-date@example.com>' });
      const keyFile = join(dir, 'no-date.key.asc');
      const sigFile = join(dir, 'no-date.bin.asc');
      await writeFile(keyFile, exported.armored);
      await writeFile(sigFile, await signPgpDetached(signer, { path: file }));
      expect((await gpg(['--import', keyFile])).stdout).toContain(`IMPORT_OK 1 ${exported.fingerprint}`);
      const good = await gpg(['--trust-model', 'always', '--verify', sigFile, file]);
      // VALIDSIG <fpr> <date> <sig time> <expire> <version> <reserved> <pk algo> <hash> <class> <primary fpr>
      expect(good.stdout).toMatch(new RegExp(`VALIDSIG ${exported.fingerprint} \\S+ \\d+ 0 4 0 19 8 00 `));
      expect((await sqVerify(keyFile, sigFile, file)).ok).toBe(true);
    });
  });

  describe('a signature made by gpg itself', () => {
    it('is read by readPgpSignature (old-format packets)', async () => {
      const made = await gpg([
        '--passphrase',
        '',
        '--quick-gen-key',
        'Gpg <gpg@example.com>',
        'nistp256',
        'sign',
        'never',
      ]);
      const fingerprint = /KEY_CREATED P ([0-9A-F]{40})/.exec(made.stdout)![1]!;
      const sigFile = join(dir, 'by-gpg.asc');
      const signed = await gpg([
        '--local-user',
        fingerprint,
        '--digest-algo',
        'SHA256',
        '--armor',
        '--output',
        sigFile,
        '--detach-sign',
        file,
      ]);
      expect(signed.ok).toBe(true);
      const info = readPgpSignature(await readFile(sigFile, 'utf8'));
      expect(info).toMatchObject({ type: 0, publicKeyAlgorithm: 19, hash: 'sha256', issuerFingerprint: fingerprint });
      expect(info.mpis).toHaveLength(2);
    });
  });
});
