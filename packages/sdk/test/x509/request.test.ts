import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCertificateRequest, toPem } from '../../src/x509/index.js';
import type { SoftKeyProvider } from '../../src/provider/soft/index.js';
import { createSigner, listAlgorithms, type KeySpec } from '../helpers/sdk.js';
import { openssl } from '../helpers/openssl.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';

const SPECS: KeySpec[] = ['rsa-2048', 'ec-p256', 'ec-p384', 'ec-p521'];

describe('certificate signing requests (PKCS#10)', () => {
  let dir: string;
  let soft: SoftKeyProvider;

  beforeAll(async () => {
    dir = await tempDir();
    soft = await openTestStore(join(dir, 'keys'));
    for (const spec of SPECS) await soft.generateKey({ name: spec, spec });
  });

  for (const algorithm of listAlgorithms()) {
    it(`openssl req -verify accepts a ${algorithm.id} request, with the subject and code-signing EKU asked for`, async () => {
      const spec = SPECS.find((s) =>
        algorithm.curve ? s === `ec-p${algorithm.curve.slice(2)}` : s.startsWith('rsa'),
      )!;
      const signer = await createSigner(soft, `soft://${spec}`, { algorithm: algorithm.id });
      const der = await createCertificateRequest(signer, {
        subject: { commonName: 'Acme Release', organization: 'Acme Ltd', country: 'DE' },
      });
      const file = join(dir, `${algorithm.id}.csr`);
      await writeFile(file, toPem('CERTIFICATE REQUEST', der));
      const result = await openssl(['req', '-in', file, '-verify', '-noout', '-text']);
      // OpenSSL 3.0 exits 0 whatever the outcome: the verdict is the line it prints.
      expect(result.stderr + result.stdout).toContain('self-signature verify OK');
      const text = result.stdout;
      expect(text).toMatch(/Subject: C ?= ?DE, O ?= ?Acme Ltd, CN ?= ?Acme Release/);
      expect(text).toContain('Code Signing');
      expect(text).toContain('Subject Key Identifier');
    });
  }

  it('is refused by openssl when a byte of the signed part changes', async () => {
    const signer = await createSigner(soft, 'soft://ec-p256');
    const der = await createCertificateRequest(signer, { subject: { commonName: 'Tamper' } });
    const tampered = Buffer.from(der);
    const at = tampered.indexOf(Buffer.from('Tamper'));
    tampered[at] = tampered[at]! ^ 0x01;
    const file = join(dir, 'tampered.csr');
    await writeFile(file, toPem('CERTIFICATE REQUEST', tampered));
    const result = await openssl(['req', '-in', file, '-verify', '-noout']);
    expect(result.stderr + result.stdout).not.toContain('verify OK');
    expect(result.stderr + result.stdout).toContain('verify failure');
  });
});
