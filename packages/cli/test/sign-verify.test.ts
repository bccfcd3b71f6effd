import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, sandbox, tool, type Sandbox } from './helpers/cli.js';

const KEYS = [
  { name: 'ec', type: 'ec-p256', hash: 'sha256', algorithm: 'ecdsa-p256-sha256' },
  { name: 'rsa', type: 'rsa-3072', hash: 'sha256', algorithm: 'rsa-pkcs1-sha256' },
] as const;

describe('signet sign and verify', () => {
  let box: Sandbox;
  const file = (name: string): string => join(box.cwd, name);

  beforeAll(async () => {
    box = await sandbox();
    for (const key of KEYS) {
      expect((await box.cli(['keys', 'create', key.name, '--type', key.type])).code).toBe(0);
      expect(
        (await box.cli(['keys', 'cert', key.name, '--subject', `CN=Test ${key.name}`, '--out', `${key.name}.pem`]))
          .code,
      ).toBe(0);
      await writeFile(file(`${key.name}.pub.pem`), (await box.cli(['keys', 'show', key.name, '--public-key'])).stdout);
    }
    await box.cli(['keys', 'create', 'nocert']);
    await box.cli(['keys', 'create', 'stranger']);
    await box.cli(['keys', 'cert', 'stranger', '--out', 'stranger.pem']);
  });

  describe.each(KEYS)('with an $type key', (key) => {
    const artifact = `app-${key.name}.bin`;

    beforeAll(async () => {
      await writeFile(file(artifact), `release build ${key.name}\n`.repeat(1000));
    });

    describe('in CMS', () => {
      it('writes FILE.p7s and says so in one line', async () => {
        const result = await box.cli(['sign', artifact, '--key', `soft://${key.name}`]);
        expect(result).toEqual({
          code: 0,
          stdout: `Signed ${artifact} -> ${artifact}.p7s (${key.algorithm}, cms)\n`,
          stderr: '',
        });
      });

      it('verifies with signet against the certificate', async () => {
        const result = await box.cli(['verify', artifact, '--cert', `${key.name}.pem`]);
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(
          new RegExp(
            `^OK  ${artifact}  signed by CN=Test ${key.name} \\(${key.algorithm}, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\)\\n$`,
          ),
        );
      });

      it('verifies with signet against the key, as --json', async () => {
        const result = json(await box.cli(['verify', artifact, '--key', key.name, '--json']));
        expect(result).toMatchObject({
          file: artifact,
          signature: `${artifact}.p7s`,
          format: 'cms',
          valid: true,
          algorithm: key.algorithm,
          trusted: true,
        });
      });

      it('writes PEM with --base64 that both signet and openssl cms read', async () => {
        const out = `${artifact}.pem.p7s`;
        expect((await box.cli(['sign', artifact, '--key', key.name, '--base64', '--out', out])).code).toBe(0);
        expect(await readFile(file(out), 'utf8')).toMatch(/^-----BEGIN PKCS7-----\n/);
        expect((await box.cli(['verify', artifact, '--signature', out, '--cert', `${key.name}.pem`])).code).toBe(0);
        const result = await tool(
          'openssl',
          [
            'cms',
            '-verify',
            '-binary',
            '-inform',
            'PEM',
            '-in',
            out,
            '-content',
            artifact,
            '-CAfile',
            `${key.name}.pem`,
            '-purpose',
            'any',
            '-out',
            '/dev/null',
          ],
          box.cwd,
        );
        expect(result.ok, result.stderr).toBe(true);
      });

      it('verifies with openssl cms', async () => {
        const result = await tool(
          'openssl',
          [
            'cms',
            '-verify',
            '-binary',
            '-inform',
            'DER',
            '-in',
            `${artifact}.p7s`,
            '-content',
            artifact,
            '-CAfile',
            `${key.name}.pem`,
            '-purpose',
            'any',
            '-out',
            '/dev/null',
          ],
          box.cwd,
        );
        expect(result.ok, result.stderr).toBe(true);
        expect(result.stderr).toContain('Verification successful');
      });
    });

    describe('in raw form', () => {
      it('writes FILE.sig', async () => {
        const result = await box.cli(['sign', artifact, '--key', key.name, '--format', 'raw']);
        expect(result.code).toBe(0);
        expect(result.stdout).toBe(`Signed ${artifact} -> ${artifact}.sig (${key.algorithm}, raw)\n`);
      });

      it('verifies with signet given the public key file, detecting the format', async () => {
        const result = await box.cli([
          'verify',
          artifact,
          '--signature',
          `${artifact}.sig`,
          '--public-key',
          `${key.name}.pub.pem`,
        ]);
        expect(result.code).toBe(0);
        expect(result.stdout).toBe(`OK  ${artifact}  signed by the key in ${key.name}.pub.pem (${key.algorithm})\n`);
      });

      it('verifies with openssl dgst', async () => {
        const result = await tool(
          'openssl',
          ['dgst', `-${key.hash}`, '-verify', `${key.name}.pub.pem`, '-signature', `${artifact}.sig`, artifact],
          box.cwd,
        );
        expect(result.ok, result.stderr).toBe(true);
        expect(result.stdout).toBe('Verified OK\n');
      });

      it('writes base64 text with --base64 that both signet and openssl read', async () => {
        const out = `${artifact}.b64.sig`;
        expect(
          (await box.cli(['sign', artifact, '--key', key.name, '--format', 'raw', '--base64', '--out', out])).code,
        ).toBe(0);
        const text = await readFile(file(out), 'utf8');
        expect(text).toMatch(/^([A-Za-z0-9+/=]{1,64}\n)+$/);
        expect((await box.cli(['verify', artifact, '--signature', out, '--key', key.name])).code).toBe(0);
        await tool('openssl', ['base64', '-d', '-in', out, '-out', `${out}.bin`], box.cwd);
        const result = await tool(
          'openssl',
          ['dgst', `-${key.hash}`, '-verify', `${key.name}.pub.pem`, '-signature', `${out}.bin`, artifact],
          box.cwd,
        );
        expect(result.stdout).toBe('Verified OK\n');
      });
    });

    describe('after the file is tampered with', () => {
      const tampered = `tampered-${key.name}.bin`;

      beforeAll(async () => {
        await writeFile(file(tampered), 'original\n');
        await box.cli(['sign', tampered, '--key', key.name]);
        await box.cli(['sign', tampered, '--key', key.name, '--format', 'raw']);
        await writeFile(file(tampered), 'Original\n');
      });

      it('fails CMS verification with exit 5 and one line naming the file', async () => {
        const result = await box.cli(['verify', tampered, '--cert', `${key.name}.pem`]);
        expect(result.code).toBe(5);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(new RegExp(`^signet: ${tampered}: .* \\(VERIFICATION_FAILED\\)\\n$`));
      });

      it('fails raw verification with exit 5', async () => {
        const result = await box.cli([
          'verify',
          tampered,
          '--signature',
          `${tampered}.sig`,
          '--key',
          key.name,
          '--json',
        ]);
        expect(result.code).toBe(5);
        expect(json(result)).toMatchObject({ error: { code: 'VERIFICATION_FAILED' } });
      });

      it('is refused by openssl too', async () => {
        const result = await tool(
          'openssl',
          ['dgst', `-${key.hash}`, '-verify', `${key.name}.pub.pem`, '-signature', `${tampered}.sig`, tampered],
          box.cwd,
        );
        expect(result.ok).toBe(false);
      });
    });
  });

  describe('trust', () => {
    beforeAll(async () => {
      await writeFile(file('trust.bin'), 'trust me\n');
      await box.cli(['sign', 'trust.bin', '--key', 'ec']);
    });

    it('refuses a CMS signature when nothing says whom to trust', async () => {
      const result = await box.cli(['verify', 'trust.bin', '--json']);
      expect(result.code).toBe(5);
      expect(json(result)).toMatchObject({
        error: { code: 'VERIFICATION_FAILED', message: expect.stringContaining('--ca') },
      });
    });

    it('refuses a signer that does not chain to the --ca given', async () => {
      const result = await box.cli(['verify', 'trust.bin', '--ca', 'stranger.pem']);
      expect(result.code).toBe(5);
    });

    it('accepts a signer whose certificate is a --ca', async () => {
      expect((await box.cli(['verify', 'trust.bin', '--ca', 'stranger.pem', '--ca', 'ec.pem'])).code).toBe(0);
    });

    it('refuses a signature made by another key than --key', async () => {
      const result = await box.cli(['verify', 'trust.bin', '--key', 'stranger']);
      expect(result.code).toBe(5);
      expect(result.stderr).toContain('not by soft://stranger');
    });

    it('refuses a raw signature checked with another key', async () => {
      await box.cli(['sign', 'trust.bin', '--key', 'ec', '--format', 'raw']);
      expect((await box.cli(['verify', 'trust.bin', '--format', 'raw', '--key', 'stranger'])).code).toBe(5);
    });

    it('asks for a key to check a raw signature with', async () => {
      const result = await box.cli(['verify', 'trust.bin', '--format', 'raw', '--json']);
      expect(result.code).toBe(2);
      expect(json(result)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    });
  });

  describe('outputs', () => {
    beforeAll(async () => {
      await writeFile(file('out.bin'), 'out\n');
      await box.cli(['sign', 'out.bin', '--key', 'ec']);
    });

    it('never overwrites an existing signature without --force', async () => {
      const before = await readFile(file('out.bin.p7s'));
      const result = await box.cli(['sign', 'out.bin', '--key', 'ec', '--json']);
      expect(result.code).toBe(2);
      expect(json(result)).toMatchObject({
        error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('--force') },
      });
      expect(await readFile(file('out.bin.p7s'))).toEqual(before);
    });

    it('replaces it with --force', async () => {
      await writeFile(file('out.bin.p7s'), 'stale');
      expect((await box.cli(['sign', 'out.bin', '--key', 'ec', '--force'])).code).toBe(0);
      expect((await box.cli(['verify', 'out.bin', '--cert', 'ec.pem'])).code).toBe(0);
    });

    it('writes several signatures into an --out folder', async () => {
      await mkdir(file('sigs'));
      await writeFile(file('one.bin'), '1');
      await writeFile(file('two.bin'), '2');
      const result = await box.cli(['sign', 'one.bin', 'two.bin', '--key', 'ec', '--out', 'sigs', '--json']);
      expect(result.code).toBe(0);
      expect(json(result)).toMatchObject({
        signatures: [
          { file: 'one.bin', signature: join('sigs', 'one.bin.p7s') },
          { file: 'two.bin', signature: join('sigs', 'two.bin.p7s') },
        ],
      });
      expect((await box.cli(['verify', 'one.bin', '--signature', 'sigs/one.bin.p7s', '--cert', 'ec.pem'])).code).toBe(
        0,
      );
    });

    it('refuses --out as a file for several files', async () => {
      expect((await box.cli(['sign', 'one.bin', 'two.bin', '--key', 'ec', '--out', 'both.p7s'])).code).toBe(2);
    });

    it('writes nothing when one of several inputs is missing (exit 3)', async () => {
      const result = await box.cli(['sign', 'one.bin', 'missing.bin', '--key', 'ec', '--out', 'sigs', '--force']);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/^signet: missing\.bin: no such file \(IO_ERROR\)\n$/);
    });

    it('refuses CMS with a key that has no certificate, pointing at keys cert', async () => {
      const result = await box.cli(['sign', 'out.bin', '--key', 'nocert', '--out', 'nocert.p7s']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('signet keys cert soft://nocert');
    });

    it('refuses an algorithm the key cannot sign with', async () => {
      const result = await box.cli([
        'sign',
        'out.bin',
        '--key',
        'ec',
        '--algorithm',
        'rsa-pss-sha256',
        '--format',
        'raw',
        '--out',
        'x.sig',
        '--json',
      ]);
      expect(result.code).toBe(2);
      expect(json(result)).toMatchObject({ error: { code: 'ALGORITHM_KEY_MISMATCH' } });
    });

    it('signs with a chosen algorithm (RSA-PSS) that openssl verifies', async () => {
      expect(
        (
          await box.cli([
            'sign',
            'out.bin',
            '--key',
            'rsa',
            '--algorithm',
            'rsa-pss-sha384',
            '--format',
            'raw',
            '--out',
            'pss.sig',
          ])
        ).code,
      ).toBe(0);
      const result = await tool(
        'openssl',
        [
          'dgst',
          '-sha384',
          '-sigopt',
          'rsa_padding_mode:pss',
          '-sigopt',
          'rsa_pss_saltlen:-2',
          '-verify',
          'rsa.pub.pem',
          '-signature',
          'pss.sig',
          'out.bin',
        ],
        box.cwd,
      );
      expect(result.stdout).toBe('Verified OK\n');
      expect(
        (
          await box.cli([
            'verify',
            'out.bin',
            '--signature',
            'pss.sig',
            '--key',
            'rsa',
            '--algorithm',
            'rsa-pss-sha384',
          ])
        ).code,
      ).toBe(0);
    });
  });

  describe('missing things', () => {
    it('answers a missing file with exit 3', async () => {
      const result = await box.cli(['verify', 'nothing.bin', '--key', 'ec']);
      expect(result.code).toBe(3);
      expect(result.stderr).toBe('signet: nothing.bin: no such file (IO_ERROR)\n');
    });

    it('answers a missing signature with exit 3, naming where it looked', async () => {
      await writeFile(file('unsigned.bin'), 'x');
      const result = await box.cli(['verify', 'unsigned.bin', '--key', 'ec']);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('unsigned.bin.p7s or unsigned.bin.sig');
    });

    it('answers a missing key with exit 3', async () => {
      await writeFile(file('k.bin'), 'x');
      expect((await box.cli(['sign', 'k.bin', '--key', 'soft://ghost'])).code).toBe(3);
    });

    it('answers a garbage signature with a failure, never a crash', async () => {
      await writeFile(file('garbage.bin'), 'x');
      await writeFile(file('garbage.bin.p7s'), Buffer.from('3082000506092a864886f70d010702', 'hex'));
      const result = await box.cli(['verify', 'garbage.bin', '--cert', 'ec.pem', '--json']);
      expect([5, 7]).toContain(result.code);
    });
  });
});
