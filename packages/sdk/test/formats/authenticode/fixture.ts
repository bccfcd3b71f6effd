import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSigner, type KeySpec, type Signer } from '../../helpers/sdk.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';
import type { SoftKeyProvider } from '../../../src/provider/soft/index.js';
import { issueCertificate, issueSelfSignedCertificate, toPem } from '../../../src/x509/index.js';

const exec = promisify(execFile);

export const COMPILERS = { pe32: 'i686-w64-mingw32-gcc', 'pe32+': 'x86_64-w64-mingw32-gcc' } as const;
export type Target = `${keyof typeof COMPILERS}-${'exe' | 'dll'}`;

const PROGRAM = `#include <stdio.h>
__declspec(dllexport) int answer(void) { return 42; }
int main(void) { printf("%d\\n", answer()); return 0; }
`;

/** Compiled PE files, a CA-issued key per spec, and the CA's PEM for osslsigncode. */
export interface PeFixture {
  readonly dir: string;
  readonly files: Readonly<Record<Target, string>>;
  readonly caPem: string;
  readonly caCertificate: Uint8Array;
  readonly soft: SoftKeyProvider;
  signer(spec: KeySpec): Promise<Signer>;
}

export async function createPeFixture(specs: readonly KeySpec[]): Promise<PeFixture> {
  const dir = await tempDir('signet-pe-');
  const source = join(dir, 'hello.c');
  await writeFile(source, PROGRAM);
  const files = {} as Record<Target, string>;
  const builds = Object.entries(COMPILERS).flatMap(([arch, cc]) =>
    (['exe', 'dll'] as const).map(async (kind) => {
      const out = join(dir, `hello-${arch}.${kind}`);
      await exec(cc, ['-O1', '-s', ...(kind === 'dll' ? ['-shared'] : []), '-o', out, source]);
      files[`${arch}-${kind}` as Target] = out;
    }),
  );
  await Promise.all(builds);
  const soft = await openTestStore(join(dir, 'keys'), { backend: 'portable' });
  const caKey = await soft.generateKey({ name: 'ca', spec: 'ec-p256' });
  const caSigner = await createSigner(soft, caKey.uri);
  const caCertificate = await issueSelfSignedCertificate(caSigner, {
    subject: { commonName: 'Signet PE test CA' },
    certificateAuthority: true,
  });
  for (const spec of specs) {
    const key = await soft.generateKey({ name: spec, spec });
    const leaf = await issueCertificate(key.publicKey, {
      subject: { commonName: `Signet PE ${spec}`, organization: 'Signet' },
      issuer: { signer: caSigner, certificate: caCertificate },
    });
    await soft.setCertificates({ key: key.uri, certificates: [leaf, caCertificate] });
  }
  const caPem = join(dir, 'ca.pem');
  await writeFile(caPem, toPem('CERTIFICATE', caCertificate));
  return { dir, files, caPem, caCertificate, soft, signer: (spec) => createSigner(soft, `soft://${spec}`) };
}

/** Runs `osslsigncode verify`; never throws. */
export async function osslVerify(
  file: string,
  caPem: string,
  extra: string[] = [],
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec('osslsigncode', ['verify', '-in', file, '-CAfile', caPem, ...extra]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

/**
 * Signs `input` into `output` with osslsigncode itself, under a fresh self-signed key made by
 * openssl (`rsa:2048` or `EC:prime256v1`): a signature of the peer tool to read or nest beside.
 * Returns the certificate's PEM file.
 */
export async function osslSign(dir: string, name: string, keyType: 'rsa' | 'ec', input: string, output: string) {
  const [key, cert] = [join(dir, `${name}-key.pem`), join(dir, `${name}-cert.pem`)];
  const newKey = keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  await exec(
    'openssl',
    ['req', '-x509', ...newKey, '-nodes', '-keyout', key, '-out', cert, '-days', '2'].concat([
      '-subj',
      '/CN=osslsigncode signer',
      '-addext',
      'extendedKeyUsage=codeSigning',
    ]),
  );
  await exec('osslsigncode', ['sign', '-certs', cert, '-key', key, '-h', 'sha256', '-in', input, '-out', output]);
  return cert;
}
