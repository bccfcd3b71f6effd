import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createSigner, getAlgorithm, type KeySpec, type Signer, type SignatureAlgorithmId } from '../../helpers/sdk.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';
import { issueCertificate, issueSelfSignedCertificate, toPem } from '../../../src/x509/index.js';
import type { SoftKeyProvider } from '../../../src/provider/soft/index.js';
import { openJar } from '../../../src/formats/jar/jar-archive.js';
import { readEntry } from '../../../src/formats/jar/zip-entry.js';

export interface RunResult {
  code: number;
  /** stdout and stderr together, as a person reads them. */
  output: string;
}

/** Runs a JDK tool (or openssl); never throws on a non-zero exit. */
export function run(command: string, args: string[], cwd?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export const STOREPASS = 'changeit';

/** The key algorithms the JAR tests sign with, and the key each uses. */
export const ALGORITHMS: readonly [SignatureAlgorithmId, KeySpec][] = [
  ['rsa-pkcs1-sha256', 'rsa-2048'],
  ['rsa-pss-sha256', 'rsa-2048'],
  ['ecdsa-p256-sha256', 'ec-p256'],
  ['ecdsa-p384-sha384', 'ec-p384'],
];

export interface SigningKeys {
  readonly dir: string;
  readonly soft: SoftKeyProvider;
  /** A PKCS#12 truststore holding the test CA, which issued every signer's certificate. */
  readonly truststore: string;
  readonly caCertificate: Uint8Array;
  readonly caPem: string;
  /** The CA, to issue more certificates. */
  readonly ca: { readonly signer: Signer; readonly certificate: Uint8Array };
  signer(algorithm: SignatureAlgorithmId): Promise<Signer>;
  /** `jarsigner -verify -strict` (with `-verbose -certs` unless told) against the test truststore. */
  jarsignerVerify(jar: string, verbose?: boolean): Promise<RunResult>;
}

export interface JarFixture extends SigningKeys {
  /** JARs built by the JDK's `jar`: nested folders and a custom manifest; signed by jarsigner; 10,000 entries. */
  readonly jars: { readonly nested: string; readonly presigned: string; readonly large: string };
  /** Sources of the nested JAR, to rebuild or modify entries. */
  readonly nestedSources: string;
  /** A PKCS#12 key store with the key jarsigner signed `presigned` with (alias `presigner`). */
  readonly presignerStore: string;
}

/** The custom manifest of the nested JAR: main attributes and a per-entry section to keep. */
export const NESTED_MANIFEST =
  'Main-Class: com.acme.app.App\nImplementation-Title: Signet JAR test\n\nName: com/acme/app/App.class\nX-Signet-Test: kept as it is\n\n';

/** A path long enough to wrap, with two- and three-byte UTF-8 characters. */
export const UTF8_PATH = 'i18n/données-überprüfung/日本語のファイル名-ünïcödé-очень-длинное-имя-файла.properties';

export const LARGE_ENTRIES = 10_000;

/**
 * A software key store with a test CA and, per key spec, a key whose certificate the CA issued
 * (code signing), and a truststore holding the CA so `jarsigner -verify -strict` exits 0.
 */
export async function createSigningKeys(prefix = 'signet-jar-'): Promise<SigningKeys> {
  const dir = await tempDir(prefix);
  const soft = await openTestStore(join(dir, 'keys'), { backend: 'portable' });
  const ca = await createSigner(soft, (await soft.generateKey({ name: 'ca', spec: 'ec-p256' })).uri);
  const caCertificate = await issueSelfSignedCertificate(ca, {
    subject: { commonName: 'Signet JAR test CA', organization: 'Signet' },
    certificateAuthority: true,
  });
  for (const spec of new Set(ALGORITHMS.map(([, s]) => s))) {
    const key = await soft.generateKey({ name: spec, spec });
    const leaf = await issueCertificate(key.publicKey, {
      subject: { commonName: `Signet JAR ${spec}` },
      issuer: { signer: ca, certificate: caCertificate },
    });
    await soft.setCertificates({ key: key.uri, certificates: [leaf, caCertificate] });
  }
  const caPem = join(dir, 'ca.pem');
  await writeFile(caPem, toPem('CERTIFICATE', caCertificate));
  const truststore = join(dir, 'trust.p12');
  await check(
    run('keytool', [
      '-importcert',
      '-noprompt',
      '-alias',
      'signet-ca',
      '-file',
      caPem,
      '-keystore',
      truststore,
      '-storetype',
      'PKCS12',
      '-storepass',
      STOREPASS,
    ]),
  );
  return {
    dir,
    soft,
    truststore,
    caCertificate,
    caPem,
    ca: { signer: ca, certificate: caCertificate },
    signer: (id) => {
      const spec =
        ALGORITHMS.find(([a]) => a === id)?.[1] ?? (getAlgorithm(id).keyType === 'rsa' ? 'rsa-2048' : 'ec-p256');
      return createSigner(soft, `soft://${spec}`, { algorithm: id });
    },
    jarsignerVerify: (jar, verbose = true) =>
      run('jarsigner', [
        '-verify',
        '-strict',
        ...(verbose ? ['-verbose', '-certs'] : []),
        '-keystore',
        truststore,
        '-storepass',
        STOREPASS,
        jar,
      ]),
  };
}

export async function createJarFixture(): Promise<JarFixture> {
  const keys = await createSigningKeys();
  const { dir } = keys;
  const presignerStore = join(dir, 'presigner.p12');
  const [nested, presigned, large] = ['nested.jar', 'presigned.jar', 'large.jar'].map((n) => join(dir, n)) as [
    string,
    string,
    string,
  ];
  const nestedSources = join(dir, 'nested');
  await Promise.all([
    writePresignerKeystore(dir, keys.ca, keys.caPem, presignerStore),
    writeNestedSources(nestedSources),
    writeLargeSources(join(dir, 'large')),
    writeFile(join(dir, 'presigned-src.txt'), 'signed by jarsigner first\n'),
  ]);
  await Promise.all([
    check(run('jar', ['cfm', nested, join(dir, 'nested.mf'), '-C', nestedSources, '.'])),
    check(run('jar', ['cf', large, '-C', join(dir, 'large'), '.'])),
    check(run('jar', ['cf', presigned, '-C', nestedSources, 'com', '-C', dir, 'presigned-src.txt'])).then(() =>
      check(run('jarsigner', ['-keystore', presignerStore, '-storepass', STOREPASS, presigned, 'presigner'])),
    ),
  ]);
  return { ...keys, jars: { nested, presigned, large }, nestedSources, presignerStore };

  async function writeNestedSources(root: string): Promise<void> {
    // A real class, so "a modified class" is one.
    const source = join(dir, 'App.java');
    await writeFile(
      source,
      'package com.acme.app;\npublic class App { public static void main(String[] a) { System.out.println("signed"); } }\n',
    );
    await writeFile(join(dir, 'nested.mf'), NESTED_MANIFEST);
    const files: Record<string, string> = {
      'com/acme/app/internal/deep/er/still/deeper/Util.txt': 'deep\n',
      'com/acme/app/resources/empty.txt': '',
      'META-INF/services/com.acme.Plugin': 'com.acme.app.App\n',
      [UTF8_PATH]: 'greeting=grüß dich\n',
      'assets/big.bin': 'x'.repeat(5 << 20), // past the size inflated in one go: the streaming path
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    await check(run('javac', ['-d', root, source]));
  }
}

async function writePresignerKeystore(
  dir: string,
  issuer: SigningKeys['ca'],
  caPem: string,
  store: string,
): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificate = await issueCertificate(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })), {
    subject: { commonName: 'Signet JAR presigner' },
    issuer,
  });
  const keyPem = join(dir, 'presigner.key');
  const certPem = join(dir, 'presigner.pem');
  await writeFile(keyPem, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(certPem, toPem('CERTIFICATE', certificate));
  await check(
    run('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      keyPem,
      '-in',
      certPem,
      '-certfile',
      caPem,
      '-name',
      'presigner',
      '-out',
      store,
      '-passout',
      `pass:${STOREPASS}`,
    ]),
  );
}

/** 10,000 small files in 100 folders, 100 B to 1 KiB each. */
async function writeLargeSources(root: string): Promise<void> {
  const folders = 100;
  for (let d = 0; d < folders; d++) {
    const folder = join(root, 'org', 'example', `p${d}`);
    await mkdir(folder, { recursive: true });
    await Promise.all(
      Array.from({ length: LARGE_ENTRIES / folders }, (_, f) =>
        writeFile(join(folder, `C${f}.class`), `class ${d}.${f} `.repeat(10 + ((d * 7 + f) % 90))),
      ),
    );
  }
}

async function check(result: Promise<RunResult>): Promise<RunResult> {
  const r = await result;
  if (r.code !== 0) throw new Error(`command failed (${r.code}): ${r.output}`);
  return r;
}

/** The names of a JAR's entries, in central directory order. */
export async function entryNames(path: string): Promise<string[]> {
  const jar = await openJar(path);
  await jar.source.close();
  return jar.directory.entries.map((e) => e.name);
}

/** One entry's uncompressed bytes. */
export async function entryBytes(path: string, name: string): Promise<Buffer> {
  const jar = await openJar(path);
  try {
    const entry = jar.directory.entries.find((e) => e.name === name);
    if (!entry) throw new Error(`${path} has no entry ${name}`);
    return await readEntry(jar.source, entry, jar.extents.get(entry)!, 64 << 20);
  } finally {
    await jar.source.close();
  }
}
