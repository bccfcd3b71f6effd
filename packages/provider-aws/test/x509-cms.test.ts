import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { createSigner, listAlgorithms } from '@signet/sdk';
import { signCms } from '@signet/sdk/formats/cms';
import { createCertificateRequest, issueSelfSignedCertificate, toPem } from '@signet/sdk/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import { openProvider } from './helpers.js';

const run = promisify(execFile);
const KEYS = { rsa: 'RSA_2048', 'P-256': 'ECC_NIST_P256', 'P-384': 'ECC_NIST_P384', 'P-521': 'ECC_NIST_P521' };

describe('X.509 and CMS through AWS KMS', () => {
  let fake: FakeKms;
  let dir: string;

  beforeAll(async () => {
    fake = await startFakeKms();
    dir = await mkdtemp(join(tmpdir(), 'signet-aws-csr-'));
    for (const [name, spec] of Object.entries(KEYS))
      await fake.addKey({ spec, aliases: [`csr-${name.toLowerCase()}`] });
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const algorithm of listAlgorithms()) {
    it(`a certificate signing request verifies with openssl req -verify (${algorithm.id})`, async () => {
      const kms = openProvider(fake);
      const alias = `csr-${(algorithm.curve ?? 'rsa').toLowerCase()}`;
      const signer = await createSigner(kms, `awskms:///alias/${alias}`, { algorithm: algorithm.id });
      const csr = await createCertificateRequest(signer, {
        subject: { commonName: 'Acme Release', organization: 'Acme' },
      });
      const file = join(dir, `${algorithm.id}.csr`);
      await writeFile(file, toPem('CERTIFICATE REQUEST', csr));
      const { stdout, stderr } = await run('openssl', ['req', '-in', file, '-verify', '-noout', '-subject']).catch(
        (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
      );
      // OpenSSL 3.0 exits 0 whatever the verdict: the line it prints is the verdict.
      expect(stdout + stderr).toContain('self-signature verify OK');
      expect(stdout).toMatch(/CN ?= ?Acme Release/);
    });
  }

  it('a CMS signature, with a certificate attached to the signer, verifies with openssl cms -verify', async () => {
    const kms = openProvider(fake);
    const signer = await createSigner(kms, 'awskms:///alias/csr-p-256');
    const certificate = await issueSelfSignedCertificate(signer, { subject: { commonName: 'Acme Release' } });
    // KMS stores no certificates: the chain travels with the signer instead.
    const bound = { ...signer, key: { ...signer.key, certificates: [certificate] } };
    const content = Buffer.from('release artifact');
    const p7s = await signCms(bound, { digest: createHash('sha256').update(content).digest() });
    await Promise.all([
      writeFile(join(dir, 'artifact'), content),
      writeFile(join(dir, 'artifact.p7s'), p7s),
      writeFile(join(dir, 'cert.pem'), toPem('CERTIFICATE', certificate)),
    ]);
    const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'artifact.p7s')];
    args.push(
      '-content',
      join(dir, 'artifact'),
      '-CAfile',
      join(dir, 'cert.pem'),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    );
    const { stderr } = await run('openssl', args);
    expect(stderr).toContain('Verification successful');
  });
});
