import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSigner } from '@signet/sdk';
import { createCertificateRequest, toPem } from '@signet/sdk/x509';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlgorithmName } from './fake-kms-wire.js';
import { providerFor, RING, uriOf, useFakeKms } from './helpers.js';

const run = promisify(execFile);
const ALGORITHMS: readonly AlgorithmName[] = [
  'EC_SIGN_P256_SHA256',
  'EC_SIGN_P384_SHA384',
  'RSA_SIGN_PKCS1_2048_SHA256',
  'RSA_SIGN_PSS_2048_SHA256',
];
const idOf = (a: AlgorithmName) => a.toLowerCase().replace(/_/g, '-');

describe('a certificate request made through the Cloud KMS provider', () => {
  const fake = useFakeKms(async (f) => {
    for (const algorithm of ALGORITHMS) await f.addKey(RING, idOf(algorithm), { algorithm });
  });
  const provider = () => (opened ??= providerFor(fake()));
  let opened: ReturnType<typeof providerFor> | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await opened?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(ALGORITHMS)('verifies with openssl req -verify (%s)', async (algorithm) => {
    dir ??= await mkdtemp(join(tmpdir(), 'signet-gcp-csr-'));
    const signer = await createSigner(provider(), uriOf(`${RING}/cryptoKeys/${idOf(algorithm)}/cryptoKeyVersions/1`));
    const der = await createCertificateRequest(signer, {
      subject: { commonName: 'Acme Release', organization: 'Acme' },
    });
    const file = join(dir, `${idOf(algorithm)}.csr`);
    await writeFile(file, toPem('CERTIFICATE REQUEST', der));
    const { stdout, stderr } = await run('openssl', ['req', '-in', file, '-verify', '-noout', '-subject']);
    // OpenSSL 3.0 exits 0 whatever the outcome: the verdict is the line it prints.
    expect(stdout + stderr).toContain('self-signature verify OK');
    expect(stdout).toMatch(/CN ?= ?Acme Release/);
  });
});
