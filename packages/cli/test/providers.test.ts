import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { opensslVerifiesCms } from '@signet/sdk/testing';
import { json, sandbox, TEST_SCRYPT, tool, type CliResult, type Sandbox } from './helpers/cli.js';
import { createToken, MODULE, toolKeyPair } from './helpers/softhsm.js';

const PKCS11_PACKAGE = join(import.meta.dirname, '..', '..', 'provider-pkcs11');
const SOFT_PATH = join(import.meta.dirname, '..', '..', 'sdk', 'dist', 'soft.js');
const SOFT_MODULE = pathToFileURL(SOFT_PATH).href;
const EC_KEY = 'pkcs11:token=ci;object=release';
const RSA_KEY = 'pkcs11:token=ci;object=legacy';

const pkcs11Config = (token: string): string => `# keys on a SoftHSM2 token; the PIN comes from SIGNET_PKCS11_PIN
providers:
  - use: '@signet/provider-pkcs11'
    options:
      module: ${MODULE}
      token: ${token}
      retry: { attempts: 1 }
`;

/**
 * A provider whose backend keeps keys but no certificates, as a cloud KMS: `vault://NAME` keys are
 * the keys of a software key store, signing for real.
 */
const VAULT_PROVIDER = `import { createSoftKeyProvider } from '${SOFT_MODULE}';
const toSoft = (uri) => uri.replace(/^vault:/, 'soft:');
const toVault = (key) => ({ ...key, uri: key.uri.replace(/^soft:/, 'vault:') });
export const signetProvider = {
  scheme: 'vault',
  async create(options, env) {
    const secret = { passphrase: env.VAULT_PASSPHRASE };
    const store = await createSoftKeyProvider({ directory: options.directory, secret, create: true, scryptCost: ${JSON.stringify(TEST_SCRYPT)} });
    return {
      scheme: 'vault',
      capabilities: { generateKeys: true, signMessage: false, storeCertificates: false },
      listKeys: async (o) => (await store.listKeys(o)).map(toVault),
      getKey: async (uri, o) => toVault(await store.getKey(toSoft(uri), o)),
      sign: (params) => store.sign({ ...params, key: toSoft(params.key) }),
      generateKey: async (params) => toVault(await store.generateKey(params)),
      close: () => store.close(),
    };
  },
};
`;

/** The one line a failed command prints on stderr, without its newline. */
const oneLine = (result: CliResult): string => {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

describe('signet with the key providers config.yaml names', () => {
  let box: Sandbox;
  /** Runs signet with another configuration file in $SIGNET_HOME (where the provider package is installed). */
  let withConfig: (name: string, text: string, args: string[]) => Promise<CliResult>;

  beforeAll(async () => {
    box = await sandbox();
    const token = await createToken(box.root, 'ci');
    await toolKeyPair(token, 'EC:prime256v1', '01', 'release');
    await toolKeyPair(token, 'rsa:2048', '02', 'legacy');
    // Installed beside the configuration, as `npm install @signet/provider-pkcs11` in $SIGNET_HOME would.
    await mkdir(join(box.home, 'node_modules', '@signet'), { recursive: true });
    await symlink(PKCS11_PACKAGE, join(box.home, 'node_modules', '@signet', 'provider-pkcs11'), 'dir');
    await writeFile(join(box.home, 'config.yaml'), pkcs11Config('ci'));
    box.env.SIGNET_PKCS11_PIN = token.pin;
    await writeFile(join(box.cwd, 'app.bin'), 'an artifact\n');
    expect((await box.cli(['keys', 'create', 'local'])).code).toBe(0);
    withConfig = async (name, text, args) => {
      await writeFile(join(box.home, name), text);
      return box.cli(args, { env: { SIGNET_CONFIG: join(box.home, name) } });
    };
  });

  describe('keys list', () => {
    it("shows the software keys beside the token's keys", async () => {
      const text = await box.cli(['keys', 'list']);
      expect(text, text.stderr).toMatchObject({ code: 0, stderr: '' });
      expect(text.stdout).toMatch(/^soft:\/\/local\s+ec-p256/m);
      expect(text.stdout).toMatch(/^pkcs11:token=ci;object=release\s+ec-p256\s+ecdsa-p256-sha256/m);
      expect(text.stdout).toMatch(/^pkcs11:token=ci;object=legacy\s+rsa-2048/m);
      const listed = json<{ keys: { uri: string }[]; failures: unknown[] }>(await box.cli(['keys', 'list', '--json']));
      expect(listed.keys.map((k) => k.uri)).toEqual(expect.arrayContaining(['soft://local', EC_KEY, RSA_KEY]));
      expect(listed.failures).toEqual([]);
    });

    describe('when a provider fails', () => {
      const absent = pkcs11Config('absent');

      it('still lists the others, names the failing one on stderr and exits with its status', async () => {
        const result = await withConfig('absent.yaml', absent, ['keys', 'list']);
        expect(result.code).toBe(6);
        expect(result.stdout).toMatch(/^soft:\/\/local\s/m);
        expect(oneLine(result)).toMatch(
          /^signet: pkcs11 keys \(@signet\/provider-pkcs11\) not listed: .*\(UNAVAILABLE\)$/,
        );
      });

      it('carries the failure in --json', async () => {
        const result = await withConfig('absent.yaml', absent, ['keys', 'list', '--json']);
        expect(result.code).toBe(6);
        expect(json(result)).toMatchObject({
          keys: [{ uri: 'soft://local' }],
          failures: [{ scheme: 'pkcs11', provider: '@signet/provider-pkcs11', error: { code: 'UNAVAILABLE' } }],
        });
      });

      it('never opens a provider that a command does not need', async () => {
        const result = await withConfig('absent.yaml', absent, ['keys', 'show', 'soft://local', '--public-key']);
        expect(result).toMatchObject({ code: 0, stderr: '' });
      });
    });
  });

  describe('a key on the token', () => {
    it('gets a self-signed certificate, then signs CMS that openssl verifies', async () => {
      const cert = await box.cli(['keys', 'cert', EC_KEY, '--subject', 'CN=HSM Release', '--out', 'release.pem']);
      expect(cert.code, cert.stderr).toBe(0);
      const sign = await box.cli(['sign', 'app.bin', '--key', EC_KEY, '--format', 'cms']);
      expect(sign.code, sign.stderr).toBe(0);
      const check = await opensslVerifiesCms({
        signature: join(box.cwd, 'app.bin.p7s'),
        content: join(box.cwd, 'app.bin'),
        caFile: join(box.cwd, 'release.pem'),
      });
      expect(check.ok, check.output).toBe(true);
      expect((await box.cli(['verify', 'app.bin', '--key', EC_KEY])).code).toBe(0);
    });

    it('makes a certificate request that openssl req -verify accepts', async () => {
      const csr = await box.cli(['keys', 'csr', RSA_KEY, '--subject', 'CN=Acme Legacy, O=Acme', '-o', 'legacy.csr']);
      expect(csr.code, csr.stderr).toBe(0);
      // OpenSSL 3.0 exits 0 whatever the outcome: the verdict is the line it prints.
      const check = await tool('openssl', ['req', '-in', 'legacy.csr', '-verify', '-noout', '-subject'], box.cwd);
      expect(check.stderr + check.stdout).toContain('self-signature verify OK');
      expect(check.stdout).toMatch(/O ?= ?Acme, CN ?= ?Acme Legacy/);
    });

    it("takes a CA's chain with import-cert, and CMS signatures carry the whole chain", async () => {
      const openssl = async (...args: string[]) => {
        const run = await tool('openssl', args, box.cwd);
        expect(run.ok, run.stderr).toBe(true);
        return run.stdout;
      };
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
      await writeFile(join(box.cwd, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n');
      await writeFile(
        join(box.cwd, 'leaf.ext'),
        'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n',
      );
      await openssl('req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=Test Root');
      await openssl('req', '-new', ...ec, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=Test Issuing CA');
      await openssl(
        ...['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', '2'],
        ...['-days', '30', '-extfile', 'ca.ext', '-out', 'int.pem'],
      );
      expect((await box.cli(['keys', 'csr', RSA_KEY, '--subject', 'CN=Acme Legacy', '-o', 'chain.csr'])).code).toBe(0);
      await openssl(
        ...['x509', '-req', '-in', 'chain.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-set_serial', '3'],
        ...['-days', '30', '-extfile', 'leaf.ext', '-out', 'leaf.pem'],
      );
      const chain = (await readFile(join(box.cwd, 'leaf.pem'), 'utf8')) + (await readFile(join(box.cwd, 'int.pem')));
      await writeFile(join(box.cwd, 'chain.pem'), chain);

      const imported = await box.cli(['keys', 'import-cert', RSA_KEY, 'chain.pem', '--json']);
      expect(imported.code, imported.stdout).toBe(0);
      expect(json<{ certificates: { subject: string }[] }>(imported).certificates.map((c) => c.subject)).toEqual([
        'CN=Acme Legacy',
        'CN=Test Issuing CA',
      ]);

      const sign = await box.cli(['sign', 'app.bin', '--key', RSA_KEY, '--out', 'app.chain.p7s']);
      expect(sign.code, sign.stderr).toBe(0);
      const embedded = await openssl('pkcs7', '-inform', 'DER', '-in', 'app.chain.p7s', '-print_certs', '-noout');
      expect(embedded.match(/^subject=/gm)).toHaveLength(2);
      // Only the root is trusted: the signature verifies because it carries the issuing CA.
      const check = await opensslVerifiesCms({
        signature: join(box.cwd, 'app.chain.p7s'),
        content: join(box.cwd, 'app.bin'),
        caFile: join(box.cwd, 'root.pem'),
      });
      expect(check.ok, check.output).toBe(true);
      const verify = await box.cli(['verify', 'app.bin', '--signature', 'app.chain.p7s', '--ca', 'root.pem']);
      expect(verify.code, verify.stderr).toBe(0);
    });

    it('is created on the token with keys create --provider pkcs11', async () => {
      const created = await box.cli(['keys', 'create', 'fresh', '--provider', 'pkcs11', '--type', 'ec-p384']);
      expect(created).toMatchObject({ code: 0, stdout: 'pkcs11:token=ci;object=fresh\n' });
      const shown = await box.cli(['keys', 'show', 'pkcs11:token=ci;object=fresh', '--json']);
      expect(json(shown)).toMatchObject({ type: 'ec-p384' });
    });
  });

  describe('a provider whose backend keeps no certificates', () => {
    let vault: (args: string[]) => Promise<CliResult>;

    beforeAll(async () => {
      await writeFile(join(box.home, 'vault-provider.mjs'), VAULT_PROVIDER);
      const config = `providers:\n  - use: ./vault-provider.mjs\n    options: { directory: '${join(box.root, 'vault')}' }\n`;
      await writeFile(join(box.home, 'vault.yaml'), config);
      vault = (args) =>
        box.cli(args, { env: { SIGNET_CONFIG: join(box.home, 'vault.yaml'), VAULT_PASSPHRASE: 'vault secret' } });
    });

    it('keeps the chain in $SIGNET_HOME/certificates, and signs CMS with it', async () => {
      expect((await vault(['keys', 'create', 'box', '--provider', 'vault'])).stdout).toBe('vault://box\n');
      const cert = await vault(['keys', 'cert', 'vault://box', '--subject', 'CN=Vault Box', '--out', 'box.pem']);
      expect(cert.code, cert.stderr).toBe(0);
      expect(await readdir(join(box.home, 'certificates'))).toHaveLength(1);
      expect(json(await vault(['keys', 'show', 'vault://box', '--json']))).toMatchObject({
        certificates: [{ subject: 'CN=Vault Box' }],
      });
      const sign = await vault(['sign', 'app.bin', '--key', 'vault://box', '--out', 'app.vault.p7s']);
      expect(sign.code, sign.stderr).toBe(0);
      const check = await opensslVerifiesCms({
        signature: join(box.cwd, 'app.vault.p7s'),
        content: join(box.cwd, 'app.bin'),
        caFile: join(box.cwd, 'box.pem'),
      });
      expect(check.ok, check.output).toBe(true);
    });
  });

  describe('a configuration that is wrong', () => {
    it.each([
      ['an unknown package', "providers:\n  - use: '@signet/provider-nope'\n", /@signet\/provider-nope/],
      ['an unknown field', "provider:\n  - use: '@signet/provider-pkcs11'\n", /bad\.yaml: provider: unknown field/],
      [
        'an unknown provider field',
        'providers:\n  - use: x\n    option: {}\n',
        /providers\[0\]\.option: unknown field/,
      ],
      ['a use that is no string', 'providers:\n  - use: 3\n', /providers\[0\]\.use: expected a package name/],
      ['YAML it cannot read', 'providers:\n  - use: a\n   options: {}\n', /bad\.yaml:3: \S/],
      ['a package that is no provider', `providers:\n  - use: '${SOFT_PATH}'\n`, /exports no signetProvider/],
    ])('is refused with one line and exit 2: %s', async (_, text, message) => {
      const result = await withConfig('bad.yaml', text, ['keys', 'list']);
      expect(result.code).toBe(2);
      expect(oneLine(result)).toMatch(message);
      const asJson = await withConfig('bad.yaml', text, ['keys', 'list', '--json']);
      expect(json(asJson)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    });

    it('is not read by commands that need no key', async () => {
      const result = await withConfig('bad.yaml', 'nonsense: [', ['digest', 'app.bin']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
    });

    it('answers a SIGNET_CONFIG file that does not exist with exit 3', async () => {
      const result = await box.cli(['keys', 'list'], { env: { SIGNET_CONFIG: 'missing.yaml' } });
      expect(result.code).toBe(3);
      expect(oneLine(result)).toContain('missing.yaml: no such file');
    });
  });
});
