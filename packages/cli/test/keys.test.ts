import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, sandbox, snapshot, tool, type Sandbox } from './helpers/cli.js';

describe('signet keys', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox();
    expect((await box.cli(['keys', 'create', 'release'])).code).toBe(0);
    expect((await box.cli(['keys', 'create', 'legacy', '--type', 'rsa-3072'])).code).toBe(0);
  });

  describe('create', () => {
    it('prints the URI of the new key and nothing else', async () => {
      const result = await box.cli(['keys', 'create', 'p384', '--type', 'ec-p384']);
      expect(result).toEqual({ code: 0, stdout: 'soft://p384\n', stderr: '' });
    });

    it('accepts soft://NAME as the name', async () => {
      expect((await box.cli(['keys', 'create', 'soft://by-uri'])).stdout).toBe('soft://by-uri\n');
    });

    it('refuses an existing name with KEY_EXISTS and exit 2', async () => {
      const result = await box.cli(['keys', 'create', 'release', '--json']);
      expect(result.code).toBe(2);
      expect(json(result)).toMatchObject({ error: { code: 'KEY_EXISTS' } });
    });

    it('refuses an unknown type as a usage error', async () => {
      const result = await box.cli(['keys', 'create', 'x', '--type', 'dsa-1024']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^signet: .*dsa-1024.*\n$/);
    });

    it('refuses a name that is not a safe file name', async () => {
      const result = await box.cli(['keys', 'create', '../escape', '--json']);
      expect(result.code).toBe(2);
      expect(json(result)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
      expect(await snapshot(box.root)).not.toHaveProperty('home/escape.json');
    });

    it('describes the key in --json', async () => {
      const result = await box.cli(['keys', 'create', 'p521', '--type', 'ec-p521', '--json']);
      expect(json(result)).toMatchObject({
        uri: 'soft://p521',
        type: 'ec-p521',
        algorithms: ['ecdsa-p521-sha512'],
        publicKey: expect.stringContaining('-----BEGIN PUBLIC KEY-----'),
        certificates: [],
      });
    });
  });

  describe('list', () => {
    it('prints an aligned table with the default algorithm first', async () => {
      const { stdout, code } = await box.cli(['keys', 'list']);
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^URI\s+TYPE\s+ALGORITHM\s+CERTIFICATE$/);
      const legacy = lines.find((l) => l.startsWith('soft://legacy'))!;
      expect(legacy).toMatch(/^soft:\/\/legacy\s+rsa-3072\s+rsa-pkcs1-sha256 \(\+5\)\s+-$/);
      // Columns line up: every row has its TYPE where the header has it.
      const typeColumn = lines[0]!.indexOf('TYPE');
      for (const line of lines.slice(1)) expect(line.slice(typeColumn - 2, typeColumn)).toBe('  ');
    });

    it('lists every key in --json', async () => {
      const { keys } = json<{ keys: { uri: string; algorithms: string[] }[] }>(
        await box.cli(['keys', 'list', '--json']),
      );
      expect(keys.map((k) => k.uri)).toEqual(expect.arrayContaining(['soft://release', 'soft://legacy']));
      expect(keys.find((k) => k.uri === 'soft://legacy')!.algorithms[0]).toBe('rsa-pkcs1-sha256');
    });

    it('says there are no keys, without asking for a secret, when there is no key store', async () => {
      const empty = await sandbox({ createStore: false });
      const result = await empty.cli(['keys', 'list'], { env: { SIGNET_PASSPHRASE: undefined } });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^No keys in .*keys\. Create one: signet keys create NAME\n$/);
      expect(json(await empty.cli(['keys', 'list', '--json']))).toEqual({ keys: [], failures: [] });
    });

    it('honours --keystore over SIGNET_HOME', async () => {
      const other = join(box.root, 'elsewhere');
      const result = await box.cli(['keys', 'list', '--json', '--keystore', other]);
      expect(json(result)).toEqual({ keys: [], failures: [] });
    });
  });

  describe('show', () => {
    it('prints the public key alone with --public-key, in a form openssl reads', async () => {
      const { stdout, code } = await box.cli(['keys', 'show', 'soft://release', '--public-key']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
      await writeFile(join(box.cwd, 'release.pub.pem'), stdout);
      const parsed = await tool('openssl', ['pkey', '-pubin', '-in', 'release.pub.pem', '-noout', '-text'], box.cwd);
      expect(parsed.ok).toBe(true);
      expect(parsed.stdout).toContain('NIST CURVE: P-256');
    });

    it('shows type, algorithms and fingerprint', async () => {
      const { stdout } = await box.cli(['keys', 'show', 'legacy']);
      expect(stdout).toMatch(/^URI {10}soft:\/\/legacy$/m);
      expect(stdout).toMatch(/^Algorithms {3}rsa-pkcs1-sha256 \(default\)$/m);
      expect(stdout).toMatch(/^ {13}rsa-pss-sha512$/m);
      expect(stdout).toMatch(/^Fingerprint {2}SHA256:[A-Za-z0-9+/]{43}$/m);
      expect(stdout).toContain('No certificate');
    });

    it('answers KEY_NOT_FOUND with exit 3', async () => {
      const result = await box.cli(['keys', 'show', 'soft://nope']);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/^signet: No key soft:\/\/nope .*\(KEY_NOT_FOUND\)\n$/);
    });
  });

  describe('cert', () => {
    it('issues a self-signed code-signing certificate, attaches it and writes it as PEM', async () => {
      const result = await box.cli([
        'keys',
        'cert',
        'soft://release',
        '--subject',
        'CN=Example Release, O=Example',
        '--days',
        '30',
        '--out',
        'release.pem',
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Certificate attached to soft://release');
      expect(result.stdout).toMatch(/Subject {2}CN=Example Release|Subject +CN=Example Release, O=Example/);
      const text = await tool(
        'openssl',
        ['x509', '-in', 'release.pem', '-noout', '-subject', '-ext', 'extendedKeyUsage'],
        box.cwd,
      );
      expect(text.ok).toBe(true);
      expect(text.stdout).toContain('CN = Example Release');
      expect(text.stdout).toContain('Code Signing');
      const shown = json<{ certificates: { subject: string; extendedKeyUsage: string[] }[] }>(
        await box.cli(['keys', 'show', 'soft://release', '--json']),
      );
      expect(shown.certificates).toHaveLength(1);
      expect(shown.certificates[0]!.extendedKeyUsage).toContain('1.3.6.1.5.5.7.3.3');
    });

    it('shows the certificate in the key list', async () => {
      const { stdout } = await box.cli(['keys', 'list']);
      expect(stdout).toMatch(
        /^soft:\/\/release\s+ec-p256\s+ecdsa-p256-sha256\s+.*CN=Example Release, O=Example, until \d{4}-\d\d-\d\d$/m,
      );
    });

    it('prints the certificate chain alone with --certificate, in a form openssl reads', async () => {
      const shown = await box.cli(['keys', 'show', 'soft://release', '--certificate']);
      expect(shown.code).toBe(0);
      await writeFile(join(box.cwd, 'shown.pem'), shown.stdout);
      const text = await tool('openssl', ['x509', '-in', 'shown.pem', '-noout', '-subject'], box.cwd);
      expect(text.stdout).toContain('CN = Example Release');
      expect((await box.cli(['keys', 'show', 'soft://p384', '--certificate'])).code).toBe(3);
    });

    it('refuses to replace an attached certificate without --force', async () => {
      const before = await snapshot(box.keystore);
      const result = await box.cli(['keys', 'cert', 'soft://release', '--json']);
      expect(result.code).toBe(2);
      expect(json(result)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
      expect(await snapshot(box.keystore)).toEqual(before);
    });

    it('refuses an existing --out file without --force', async () => {
      const result = await box.cli(['keys', 'cert', 'soft://legacy', '--out', 'release.pem']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('release.pem already exists');
      expect(
        json<{ certificates: unknown[] }>(await box.cli(['keys', 'show', 'legacy', '--json'])).certificates,
      ).toEqual([]);
    });

    it('refuses a subject attribute it does not know', async () => {
      const result = await box.cli(['keys', 'cert', 'soft://legacy', '--subject', 'CN=x, ST=Berlin']);
      expect(result.code).toBe(2);
    });

    it('refuses --days that is not a whole positive number', async () => {
      expect((await box.cli(['keys', 'cert', 'soft://legacy', '--days', '0'])).code).toBe(2);
      expect((await box.cli(['keys', 'cert', 'soft://legacy', '--days', '1.5'])).code).toBe(2);
    });
  });

  describe('import-cert', () => {
    it('attaches a chain whose first certificate holds the key', async () => {
      await box.cli(['keys', 'create', 'imported-cert']);
      await writeFile(
        join(box.cwd, 'imported.pub.pem'),
        (await box.cli(['keys', 'show', 'imported-cert', '--public-key'])).stdout,
      );
      // An outside CA (openssl) certifies our key: the usual way to get a real certificate.
      await tool(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          'ca.key',
          '-out',
          'ca.pem',
          '-subj',
          '/CN=Test CA',
          '-days',
          '2',
        ],
        box.cwd,
      );
      // A request signed by any key; -force_pubkey puts our public key in the certificate.
      await tool('openssl', ['req', '-new', '-key', 'ca.key', '-subj', '/CN=Imported', '-out', 'leaf.csr'], box.cwd);
      const signed = await tool(
        'openssl',
        [
          'x509',
          '-req',
          '-in',
          'leaf.csr',
          '-force_pubkey',
          'imported.pub.pem',
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-days',
          '2',
          '-out',
          'leaf.pem',
        ],
        box.cwd,
      );
      expect(signed.ok, signed.stderr).toBe(true);
      const chain =
        (await readFile(join(box.cwd, 'leaf.pem'), 'utf8')) + (await readFile(join(box.cwd, 'ca.pem'), 'utf8'));
      await writeFile(join(box.cwd, 'chain.pem'), chain);
      const result = await box.cli(['keys', 'import-cert', 'soft://imported-cert', 'chain.pem', '--json']);
      expect(result.code).toBe(0);
      expect(json<{ certificates: { subject: string }[] }>(result).certificates.map((c) => c.subject)).toEqual([
        'CN=Imported',
        'CN=Test CA',
      ]);
    });

    it('refuses a chain for another key with CERTIFICATE_KEY_MISMATCH and leaves the store alone', async () => {
      const before = await snapshot(box.keystore);
      const result = await box.cli(['keys', 'import-cert', 'soft://legacy', 'release.pem', '--json']);
      expect(result.code).toBe(2);
      expect(json(result)).toMatchObject({ error: { code: 'CERTIFICATE_KEY_MISMATCH' } });
      expect(await snapshot(box.keystore)).toEqual(before);
    });

    it('refuses a file that holds no certificate with exit 7', async () => {
      await writeFile(join(box.cwd, 'not-a-cert.pem'), 'hello\n');
      const result = await box.cli(['keys', 'import-cert', 'soft://legacy', 'not-a-cert.pem', '--json']);
      expect(result.code).toBe(7);
      expect(json(result)).toMatchObject({ error: { code: 'INVALID_CERTIFICATE' } });
    });
  });

  describe('import', () => {
    it('imports a PKCS#8 key made by openssl and signs with it', async () => {
      await tool(
        'openssl',
        ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'p384.key'],
        box.cwd,
      );
      const result = await box.cli(['keys', 'import', 'from-openssl', 'p384.key']);
      expect(result).toMatchObject({ code: 0, stdout: 'soft://from-openssl\n' });
      const pub = await tool('openssl', ['pkey', '-in', 'p384.key', '-pubout'], box.cwd);
      expect((await box.cli(['keys', 'show', 'from-openssl', '--public-key'])).stdout).toBe(pub.stdout);
    });

    it('refuses something that is not a private key', async () => {
      const result = await box.cli(['keys', 'import', 'bad', 'release.pem', '--json']);
      expect(result.code).toBe(2);
      expect(json(result)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    });

    it('answers a missing file with exit 3', async () => {
      expect((await box.cli(['keys', 'import', 'bad', 'missing.pem'])).code).toBe(3);
    });
  });
});
