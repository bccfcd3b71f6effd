import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSigner, type SignatureAlgorithmId } from '@signet/sdk';
import { createCertificateRequest, toPem } from '@signet/sdk/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVault, type FakeVault } from './fake-vault/fake-vault.js';
import { keyUri, openProvider } from './helpers/provider.js';

const run = promisify(execFile);

const CASES: readonly {
  name: string;
  kind: 'ec-p256' | 'ec-p384' | 'ec-p521' | 'rsa-2048';
  algorithm: SignatureAlgorithmId;
}[] = [
  { name: 'csr-p256', kind: 'ec-p256', algorithm: 'ecdsa-p256-sha256' },
  { name: 'csr-p384', kind: 'ec-p384', algorithm: 'ecdsa-p384-sha384' },
  { name: 'csr-p521', kind: 'ec-p521', algorithm: 'ecdsa-p521-sha512' },
  { name: 'csr-rsa', kind: 'rsa-2048', algorithm: 'rsa-pkcs1-sha256' },
  { name: 'csr-rsa', kind: 'rsa-2048', algorithm: 'rsa-pss-sha384' },
];

let vault: FakeVault;
let dir: string;
beforeAll(async () => {
  vault = await startFakeVault();
  dir = await mkdtemp(join(tmpdir(), 'signet-azure-csr-'));
  for (const name of new Set(CASES.map((c) => c.name)))
    await vault.createKey(name, CASES.find((c) => c.name === name)!.kind);
});
afterAll(async () => {
  await vault.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a certificate request signed through the Azure Key Vault provider', () => {
  for (const { name, algorithm } of CASES) {
    it(`verifies with openssl req -verify (${algorithm})`, async () => {
      const { provider } = openProvider(vault);
      const signer = await createSigner(provider, keyUri(vault, name), { algorithm });
      const der = await createCertificateRequest(signer, {
        subject: { commonName: 'Acme Release', organization: 'Acme Ltd', country: 'DE' },
      });
      const file = join(dir, `${algorithm}.csr`);
      await writeFile(file, toPem('CERTIFICATE REQUEST', der));
      const { stdout, stderr } = await run('openssl', ['req', '-in', file, '-verify', '-noout']).catch(
        (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
      );
      // OpenSSL 3.0 exits 0 whatever the verdict: the line it prints is the verdict.
      expect(stdout + stderr).toContain('self-signature verify OK');
    });
  }
});
