import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSigner, isSignetError, type SignatureAlgorithmId } from '@signet/sdk';
import {
  createCertificateRequest,
  describeCertificate,
  issueCertificate,
  issueSelfSignedCertificate,
  toPem,
} from '@signet/sdk/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkcs11Provider, type Pkcs11Provider } from '../src/index.js';
import { createSoftHsm, MODULE, pkcs11Tool, toolKeyPair, type TestToken } from './helpers/softhsm.js';

const run = promisify(execFile);

/** `openssl req -verify`: OpenSSL 3.0 exits 0 whatever the outcome, so the verdict is the line it prints. */
async function opensslVerifiesRequest(file: string): Promise<string> {
  const { stdout, stderr } = await run('openssl', ['req', '-in', file, '-verify', '-noout', '-text']);
  return stderr + stdout;
}

describe('certificates and requests through a PKCS#11 token', () => {
  let token: TestToken;
  let hsm: Pkcs11Provider;

  beforeAll(async () => {
    [token] = (await createSoftHsm(['certs'])) as [TestToken];
    await toolKeyPair(token, 'rsa:2048', '0a', 'tool-rsa');
    hsm = await createPkcs11Provider({ module: MODULE, token: 'certs', pin: token.pin });
    await hsm.generateKey({ name: 'signing-p256', spec: 'ec-p256' });
    await hsm.generateKey({ name: 'signing-p384', spec: 'ec-p384' });
    await hsm.generateKey({ name: 'ca', spec: 'ec-p384' });
  });
  afterAll(() => hsm?.close());

  const requests: [string, SignatureAlgorithmId][] = [
    ['tool-rsa', 'rsa-pkcs1-sha256'],
    ['tool-rsa', 'rsa-pss-sha384'],
    ['signing-p256', 'ecdsa-p256-sha256'],
    ['signing-p384', 'ecdsa-p384-sha384'],
  ];
  for (const [name, algorithm] of requests) {
    it(`makes a ${algorithm} CSR for ${name} that openssl req -verify accepts`, async () => {
      const signer = await createSigner(hsm, `pkcs11:token=certs;object=${name}`, { algorithm });
      const der = await createCertificateRequest(signer, {
        subject: { commonName: `Acme ${name}`, organization: 'Acme' },
      });
      const file = join(token.dir, `${name}-${algorithm}.csr`);
      await writeFile(file, toPem('CERTIFICATE REQUEST', der));
      const output = await opensslVerifiesRequest(file);
      expect(output).toContain('self-signature verify OK');
      expect(output).toContain(`CN = Acme ${name}`);
    });
  }

  it('writes a self-signed certificate with the key CKA_ID, and getKey returns it', async () => {
    const uri = 'pkcs11:token=certs;object=signing-p256';
    const signer = await createSigner(hsm, uri);
    const certificate = await issueSelfSignedCertificate(signer, { subject: { commonName: 'Acme Release' } });
    const info = await hsm.setCertificates({ key: uri, certificates: [certificate] });
    expect(info.certificates).toEqual([certificate]);
    expect((await hsm.getKey(uri)).certificates).toEqual([certificate]);
    const id = (await pkcs11Tool(token, ['--list-objects', '--type', 'privkey', '--label', 'signing-p256'])).match(
      /ID:\s+(\w+)/,
    )![1];
    const listing = await pkcs11Tool(token, ['--list-objects', '--type', 'cert', '--id', id!]);
    expect(listing).toContain('Certificate Object; type = X.509 cert');
    expect(listing).toContain('label:      signing-p256');
    expect(listing).toContain('subject:    DN: CN=Acme Release');
  });

  it('writes a chain: the leaf replaces the old certificate, the issuer is found by subject', async () => {
    const uri = 'pkcs11:token=certs;object=signing-p256';
    const caSigner = await createSigner(hsm, 'pkcs11:token=certs;object=ca');
    const ca = await issueSelfSignedCertificate(caSigner, {
      subject: { commonName: 'Acme Test CA' },
      certificateAuthority: true,
    });
    const leaf = await issueCertificate((await hsm.getKey(uri)).publicKey, {
      subject: { commonName: 'Acme Release 2' },
      issuer: { signer: caSigner, certificate: ca },
    });
    const info = await hsm.setCertificates({ key: uri, certificates: [leaf, ca] });
    expect(info.certificates).toEqual([leaf, ca]);
    const described = await hsm.getKey(uri);
    expect(described.certificates.map((c) => describeCertificate(c).subject)).toEqual([
      'CN=Acme Release 2',
      'CN=Acme Test CA',
    ]);
    const certificates = await pkcs11Tool(token, ['--list-objects', '--type', 'cert']);
    expect(certificates.match(/Certificate Object/g)).toHaveLength(2); // the first leaf is gone
    // writing the same chain again adds no second copy of the issuer
    await hsm.setCertificates({ key: uri, certificates: [leaf, ca] });
    expect((await pkcs11Tool(token, ['--list-objects', '--type', 'cert'])).match(/Certificate Object/g)).toHaveLength(
      2,
    );
  });

  it('refuses a certificate of another key with CERTIFICATE_KEY_MISMATCH, and changes nothing', async () => {
    const before = await pkcs11Tool(token, ['--list-objects', '--type', 'cert']);
    const other = await issueSelfSignedCertificate(await createSigner(hsm, 'pkcs11:object=signing-p384'), {
      subject: { commonName: 'Someone else' },
    });
    await expect(hsm.setCertificates({ key: 'pkcs11:object=signing-p256', certificates: [other] })).rejects.toSatisfy(
      (e) => isSignetError(e, 'CERTIFICATE_KEY_MISMATCH'),
    );
    expect(await pkcs11Tool(token, ['--list-objects', '--type', 'cert'])).toBe(before);
  });
});
