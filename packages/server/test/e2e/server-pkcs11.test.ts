import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslVerifiesCms } from '@signet/sdk/testing';
import { isSignetError } from '@signet/sdk';
import { signCms } from '@signet/sdk/formats/cms';
import { signAuthenticode } from '@signet/sdk/formats/authenticode';
import { signJar } from '@signet/sdk/formats/jar';
import { createRemoteClient, createRemoteSigner } from '@signet/sdk/remote';
import { createTimestampClient } from '@signet/sdk/timestamp';
import { createCertificateRequest, fromPem, issueSelfSignedCertificate, toPem } from '@signet/sdk/x509';
import { serverConfigSchema } from '../../src/config/schema.js';
import { createSignetServer, type SignetServer } from '../../src/server.js';
import { DIALECTS, freshPostgresSchema, POSTGRES_URL } from '../helpers/databases.js';

const run = promisify(execFile);
const MODULE = process.env.SIGNET_TEST_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '1234';
const dialect = DIALECTS[0]!;

/**
 * The server configured with `@signet/provider-pkcs11` (loaded by package name, as a deployment's
 * config names it) on a SoftHSM2 token: keys made on the token by an operator sign through HTTP,
 * and what comes back verifies with openssl.
 */
describe(`a server whose keys are on a PKCS#11 token (SoftHSM2, ${dialect})`, () => {
  let dir: string;
  let server: SignetServer;
  let url: string;
  let admin: string;
  let wrongPin: unknown;
  const quiet = { logger: pino({ level: 'silent' }) };
  const configFor = async (data: string) =>
    serverConfigSchema.parse({
      dataDir: join(dir, data),
      listen: { host: '127.0.0.1', port: 0 },
      logLevel: 'silent',
      providers: [{ use: '@signet/provider-pkcs11', options: { module: MODULE, token: 'release', pinEnv: 'HSM_PIN' } }],
      ...(dialect === 'postgres' ? { database: { url: POSTGRES_URL, schema: await freshPostgresSchema() } } : {}),
    });

  const pkcs11Tool = (...args: string[]) =>
    run('pkcs11-tool', ['--module', MODULE, '--token-label', 'release', '--login', '--pin', PIN, ...args]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-server-pkcs11-'));
    await writeFile(join(dir, 'softhsm2.conf'), `directories.tokendir = ${dir}\nobjectstore.backend = file\n`);
    process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf'); // read by the module when it initialises
    await run('softhsm2-util', ['--init-token', '--free', '--label', 'release', '--so-pin', '87654321', '--pin', PIN]);
    await pkcs11Tool('--keypairgen', '--key-type', 'EC:prime256v1', '--id', '01', '--label', 'hsm-release');
    await pkcs11Tool('--keypairgen', '--key-type', 'rsa:2048', '--id', '02', '--label', 'hsm-legacy');

    // First with a wrong PIN: PKCS#11 logins are per process, so this must come before a good one.
    wrongPin = await createSignetServer(await configFor('data-wrong-pin'), { HSM_PIN: '0000' }, quiet).catch(
      (e: unknown) => e,
    );
    const config = await configFor('data');
    server = await createSignetServer(config, { HSM_PIN: PIN }, quiet);
    url = await server.listen();
    admin = server.bootstrapToken!;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the token’s keys beside the software ones', async () => {
    const uris = (await createRemoteClient({ url, token: admin }).listKeys()).map((k) => k.uri);
    expect(uris).toEqual(
      expect.arrayContaining([
        'soft://signing',
        'pkcs11:token=release;object=hsm-release',
        'pkcs11:token=release;object=hsm-legacy',
      ]),
    );
  });

  it('signs a CMS signature through HTTP with the HSM key, which openssl cms -verify accepts', async () => {
    const client = createRemoteClient({ url, token: admin });
    const uri = 'pkcs11:token=release;object=hsm-release';
    // The key needs a certificate: a self-signed one, made through the server and attached to the token.
    const certificate = await selfSignedThroughServer(client, uri);
    const attached = await client.setCertificates(uri, [certificate]);
    expect(attached.certificates).toEqual([certificate]);

    const file = join(dir, 'app.tgz');
    await writeFile(file, 'a release built elsewhere\n');
    const digest = createHash('sha256').update('a release built elsewhere\n').digest();
    const signer = await createRemoteSigner(client, uri, { metadata: { format: 'cms' } });
    expect(signer.key.certificates).toHaveLength(1);
    await writeFile(`${file}.p7s`, await signCms(signer, { digest }));
    await writeFile(join(dir, 'hsm.pem'), toPem('CERTIFICATE', certificate));
    const verified = await opensslVerifiesCms({
      signature: `${file}.p7s`,
      content: file,
      caFile: join(dir, 'hsm.pem'),
    });
    expect(verified.ok, verified.output).toBe(true);
  });

  it('signs JARs through HTTP with the token’s EC key and its RSA key (PKCS#1 and PSS): nested folders, already signed by jarsigner, 10,000 entries; jarsigner verifies each', async () => {
    const client = createRemoteClient({ url, token: admin });
    const ec = 'pkcs11:token=release;object=hsm-release';
    const rsa = 'pkcs11:token=release;object=hsm-legacy';
    // -strict wants a CA-issued code-signing certificate: a CA made with openssl certifies both
    // HSM keys from CSRs signed through the server, and a truststore holds the CA for jarsigner.
    const trust = await certifyByCa(dir, client, [ec, rsa]);
    const jars = await buildJars(dir, trust[1]!);
    for (const [uri, algorithm, name] of [
      [ec, 'ecdsa-p256-sha256', 'HSMEC'],
      [rsa, 'rsa-pkcs1-sha256', 'HSMRSA'],
      [rsa, 'rsa-pss-sha256', 'HSMPSS'],
    ] as const) {
      const signer = await createRemoteSigner(client, uri, { algorithm, metadata: { format: 'jar' } });
      for (const jar of jars) {
        const signed = jar.replace(/\.jar$/, `-${name}.jar`);
        await signJar(signer, { input: jar, output: signed }, { name });
        const { stdout } = await run('jarsigner', ['-verify', '-strict', ...trust, signed], { maxBuffer: 64 << 20 });
        expect(stdout, `${jar} ${algorithm}`).toContain('jar verified.');
      }
    }
  }, 120_000);

  it('signs 32- and 64-bit Windows executables through HTTP with the token’s EC and RSA keys, timestamped by the server’s TSA; osslsigncode verifies each, and a changed byte fails', async () => {
    const client = createRemoteClient({ url, token: admin });
    const source = join(dir, 'hello.c');
    await writeFile(source, 'int main(void) { return 0; }\n');
    const tsa = join(dir, 'tsa.pem');
    await writeFile(tsa, toPem('CERTIFICATE', (await client.getKey('soft://tsa')).certificates[0]!));
    const timestamp = { client: createTimestampClient({ urls: [`${url}/v1/timestamp`] }) };
    for (const [compiler, bits] of [
      ['i686-w64-mingw32-gcc', '32'],
      ['x86_64-w64-mingw32-gcc', '64'],
    ] as const) {
      const exe = join(dir, `hello${bits}.exe`);
      await run(compiler, ['-O2', '-o', exe, source]);
      for (const [uri, algorithm] of [
        ['pkcs11:token=release;object=hsm-release', 'ecdsa-p256-sha256'],
        ['pkcs11:token=release;object=hsm-legacy', 'rsa-pkcs1-sha256'],
      ] as const) {
        const signer = await createRemoteSigner(client, uri, { algorithm, metadata: { format: 'authenticode' } });
        const signed = exe.replace(/\.exe$/, `-${algorithm}.exe`);
        await signAuthenticode(signer, { input: exe, output: signed }, { timestamp });
        const chain = join(dir, 'jar-ca.pem'); // the CA that certified both keys (the JAR test above)
        const { stdout } = await run('osslsigncode', ['verify', '-in', signed, '-CAfile', chain, '-TSA-CAfile', tsa]);
        expect(stdout, `${bits}-bit ${algorithm}`).toContain('Signature verification: ok');
        expect(stdout).toContain('Timestamp Server Signature verification: ok');
      }
    }
    const tampered = join(dir, 'hello64-ecdsa-p256-sha256.exe');
    const bytes = await readFile(tampered);
    bytes[0x200] = bytes[0x200]! ^ 0xff;
    await writeFile(tampered, bytes);
    await expect(
      run('osslsigncode', ['verify', '-in', tampered, '-CAfile', join(dir, 'jar-ca.pem'), '-TSA-CAfile', tsa]),
    ).rejects.toThrow();
  });

  it('makes a CSR with the RSA key on the token through HTTP, which openssl req -verify accepts', async () => {
    const client = createRemoteClient({ url, token: admin });
    const signer = await createRemoteSigner(client, 'pkcs11:token=release;object=hsm-legacy', {
      algorithm: 'rsa-pss-sha256',
      metadata: { format: 'csr' },
    });
    await writeFile(
      join(dir, 'legacy.csr'),
      toPem('CERTIFICATE REQUEST', await createCertificateRequest(signer, { subject: { commonName: 'HSM legacy' } })),
    );
    const { stdout, stderr } = await run('openssl', ['req', '-in', join(dir, 'legacy.csr'), '-verify', '-noout']);
    expect(stdout + stderr).toContain('self-signature verify OK');
  });

  it('refuses a certificate for another key, and changes nothing', async () => {
    const client = createRemoteClient({ url, token: admin });
    const other = await selfSignedThroughServer(client, 'pkcs11:token=release;object=hsm-release');
    const before = (await client.getKey('pkcs11:token=release;object=hsm-legacy')).certificates;
    const answer = await fetch(
      `${url}/v1/keys/${encodeURIComponent('pkcs11:token=release;object=hsm-legacy')}/certificates`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ certificates: toPem('CERTIFICATE', other) }),
      },
    );
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { code: string }).code).toBe('CERTIFICATE_KEY_MISMATCH');
    expect((await client.getKey('pkcs11:token=release;object=hsm-legacy')).certificates).toEqual(before);
  });

  it('stops at start with one clear error when the PIN is wrong, leaving nothing open', () => {
    expect(isSignetError(wrongPin, 'PERMISSION_DENIED'), String(wrongPin)).toBe(true);
  });
});

/** A self-signed certificate for a server-held key, signed through the server's engine (format x509). */
async function selfSignedThroughServer(client: ReturnType<typeof createRemoteClient>, uri: string) {
  const signer = await createRemoteSigner(client, uri, { metadata: { format: 'x509' } });
  return issueSelfSignedCertificate(signer, { subject: { commonName: `Signet test ${uri}` } });
}

/** JARs as the JDK makes them: nested folders; the same, already signed by jarsigner; 10,000 entries. */
async function buildJars(dir: string, trustStore: string): Promise<string[]> {
  const classes = join(dir, 'classes');
  await mkdir(join(classes, 'com/acme/app/util'), { recursive: true });
  await writeFile(join(classes, 'com/acme/app/Main.class'), 'pretend bytecode\n');
  await writeFile(join(classes, 'com/acme/app/util/Strings.class'), 'more bytecode\n');
  const [nested, presigned, large] = ['nested.jar', 'presigned.jar', 'large.jar'].map((n) => join(dir, n)) as [
    string,
    string,
    string,
  ];
  await run('jar', ['cf', nested, '-C', classes, '.']);
  await run('jar', ['cf', presigned, '-C', classes, '.']);
  const store = join(dir, 'presigner.p12');
  const pass = ['-storepass', 'changeit'];
  await run('keytool', [
    '-genkeypair',
    '-keystore',
    store,
    '-storetype',
    'PKCS12',
    ...pass,
    '-alias',
    'pre',
    '-keyalg',
    'EC',
    '-dname',
    'CN=Presigner',
  ]);
  await run('jarsigner', ['-keystore', store, ...pass, presigned, 'pre']);
  // The first signer is self-signed: -strict wants it trusted too.
  await run('keytool', [
    '-exportcert',
    '-keystore',
    store,
    ...pass,
    '-alias',
    'pre',
    '-rfc',
    '-file',
    join(dir, 'presigner.pem'),
  ]);
  await run('keytool', [
    '-importcert',
    '-noprompt',
    '-alias',
    'pre',
    '-file',
    join(dir, 'presigner.pem'),
    '-keystore',
    trustStore,
    '-storetype',
    'PKCS12',
    ...pass,
  ]);
  const many = join(dir, 'many');
  for (let folder = 0; folder < 100; folder++) {
    await mkdir(join(many, `p${folder}`), { recursive: true });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        writeFile(join(many, `p${folder}`, `C${i}.class`), `class ${folder}.${i}\n`),
      ),
    );
  }
  await run('jar', ['cf', large, '-C', many, '.'], { maxBuffer: 64 << 20 });
  return [nested, presigned, large];
}

/**
 * A CA made with openssl issues code-signing certificates for `keys` from CSRs signed through the
 * server; each chain is attached to its key. Returns jarsigner's truststore arguments.
 */
async function certifyByCa(dir: string, client: ReturnType<typeof createRemoteClient>, keys: readonly string[]) {
  const ca = join(dir, 'jar-ca');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=JAR test CA',
    '-keyout',
    `${ca}.key`,
    '-out',
    `${ca}.pem`,
    '-days',
    '2',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  await writeFile(
    `${ca}.ext`,
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n',
  );
  for (const [i, uri] of keys.entries()) {
    const signer = await createRemoteSigner(client, uri, { metadata: { format: 'csr' } });
    const csr = join(dir, `jar-key-${i}.csr`);
    await writeFile(
      csr,
      toPem('CERTIFICATE REQUEST', await createCertificateRequest(signer, { subject: { commonName: `HSM key ${i}` } })),
    );
    const leaf = join(dir, `jar-key-${i}.pem`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-set_serial',
      String(100 + i),
      '-days',
      '2',
      '-extfile',
      `${ca}.ext`,
      '-out',
      leaf,
    ]);
    await client.setCertificates(uri, [
      ...fromPem(await readFile(leaf, 'utf8'), 'CERTIFICATE'),
      ...fromPem(await readFile(`${ca}.pem`, 'utf8'), 'CERTIFICATE'),
    ]);
  }
  const store = join(dir, 'jar-trust.p12');
  await run('keytool', [
    '-importcert',
    '-noprompt',
    '-alias',
    'ca',
    '-file',
    `${ca}.pem`,
    '-keystore',
    store,
    '-storetype',
    'PKCS12',
    '-storepass',
    'changeit',
  ]);
  return ['-keystore', store, '-storepass', 'changeit'];
}
