import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { json, PASSPHRASE, sandbox, snapshot, type Sandbox } from './helpers/cli.js';

describe('the key store secret', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox();
    await box.cli(['keys', 'create', 'release']);
    await writeFile(join(box.cwd, 'a.bin'), 'a');
  });

  describe('when none is set', () => {
    it('answers PASSPHRASE_REQUIRED with exit 4 and names the variables to set', async () => {
      const result = await box.cli(['sign', 'a.bin', '--key', 'release', '--format', 'raw'], {
        env: { SIGNET_PASSPHRASE: undefined },
      });
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(
        /^signet: .*SIGNET_PASSPHRASE or SIGNET_PASSPHRASE_FILE.* \(PASSPHRASE_REQUIRED\)\n$/,
      );
    });

    it('is not needed to hash or to verify against a public key', async () => {
      const env = { SIGNET_PASSPHRASE: undefined };
      expect((await box.cli(['digest', 'a.bin'], { env })).code).toBe(0);
      await box.cli(['sign', 'a.bin', '--key', 'release', '--format', 'raw']);
      await writeFile(
        join(box.cwd, 'release.pub.pem'),
        (await box.cli(['keys', 'show', 'release', '--public-key'])).stdout,
      );
      expect((await box.cli(['verify', 'a.bin', '--public-key', 'release.pub.pem'], { env })).code).toBe(0);
    });
  });

  describe('when it is wrong', () => {
    it('answers BAD_PASSPHRASE with exit 4 and leaves every file of the key store as it was', async () => {
      const before = await snapshot(box.keystore);
      const env = { SIGNET_PASSPHRASE: 'wrong horse' };
      for (const args of [
        ['keys', 'list'],
        ['keys', 'create', 'another'],
        ['keys', 'cert', 'release'],
        ['sign', 'a.bin', '--key', 'release', '--format', 'raw', '--out', 'never.sig'],
      ]) {
        const result = await box.cli([...args, '--json'], { env });
        expect(result.code, args.join(' ')).toBe(4);
        expect(json(result)).toMatchObject({ error: { code: 'BAD_PASSPHRASE' } });
      }
      expect(await snapshot(box.keystore)).toEqual(before);
      expect(await snapshot(box.cwd)).not.toHaveProperty('never.sig');
    });
  });

  describe('from a file', () => {
    it('reads SIGNET_PASSPHRASE_FILE without its final newline', async () => {
      await writeFile(join(box.cwd, 'passphrase'), `${PASSPHRASE}\n`);
      const result = await box.cli(['keys', 'list'], {
        env: { SIGNET_PASSPHRASE: undefined, SIGNET_PASSPHRASE_FILE: 'passphrase' },
      });
      expect(result.code).toBe(0);
    });

    it('answers a missing passphrase file with exit 3', async () => {
      const result = await box.cli(['keys', 'list'], {
        env: { SIGNET_PASSPHRASE: undefined, SIGNET_PASSPHRASE_FILE: 'nope' },
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('SIGNET_PASSPHRASE_FILE: nope: no such file');
    });
  });

  it('refuses two secrets at once as a usage error', async () => {
    const result = await box.cli(['keys', 'list', '--json'], { env: { SIGNET_MASTER_KEY: 'ab'.repeat(32) } });
    expect(result.code).toBe(2);
  });

  describe('as a master key', () => {
    const masterKey = randomBytes(32);
    let keystore: string;

    beforeAll(async () => {
      keystore = join(box.root, 'master');
      await (await createSoftKeyProvider({ directory: keystore, secret: { masterKey } })).close();
    });

    it.each([
      ['hex', masterKey.toString('hex')],
      ['base64', masterKey.toString('base64')],
    ])('opens the store with SIGNET_MASTER_KEY in %s', async (_, value) => {
      const result = await box.cli(['keys', 'list', '--keystore', keystore], {
        env: { SIGNET_PASSPHRASE: undefined, SIGNET_MASTER_KEY: value },
      });
      expect(result.code).toBe(0);
    });

    it('reads SIGNET_MASTER_KEY_FILE holding the 32 raw bytes', async () => {
      await writeFile(join(box.cwd, 'master.key'), masterKey);
      const env = { SIGNET_PASSPHRASE: undefined, SIGNET_MASTER_KEY_FILE: 'master.key' };
      expect((await box.cli(['keys', 'create', 'm', '--keystore', keystore], { env })).code).toBe(0);
    });

    it('refuses a master key that is not 32 bytes', async () => {
      const result = await box.cli(['keys', 'list', '--keystore', keystore], {
        env: { SIGNET_PASSPHRASE: undefined, SIGNET_MASTER_KEY: 'abcd' },
      });
      expect(result.code).toBe(2);
    });

    it('refuses a passphrase for a master-key store with exit 4', async () => {
      expect((await box.cli(['keys', 'list', '--keystore', keystore])).code).toBe(4);
    });
  });
});
