import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCms, verifyCms } from '../../../src/formats/cms/index.js';
import { issueCertificate, issueSelfSignedCertificate, toPem } from '../../../src/x509/index.js';
import { createSigner, digestBytes, isSignetError, type Signer } from '../../helpers/sdk.js';
import { openssl } from '../../helpers/openssl.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';

const DAY = 86_400_000;

describe('a CMS signature by a certificate that a CA issued', () => {
  let dir: string;
  let file: string;
  let digest: Uint8Array;
  let root: Uint8Array;
  let intermediate: Uint8Array;
  let otherRoot: Uint8Array;
  let leaf: Signer;
  let signature: Uint8Array;
  const notBefore = new Date(Date.now() - DAY);

  beforeAll(async () => {
    dir = await tempDir();
    const soft = await openTestStore(join(dir, 'keys'), { backend: 'portable' });
    const key = async (name: string, spec: 'rsa-2048' | 'ec-p256' | 'ec-p384', algorithm?: 'rsa-pss-sha256') => {
      await soft.generateKey({ name, spec });
      return createSigner(soft, `soft://${name}`, algorithm ? { algorithm } : {});
    };
    // An RSA-PSS root, so PSS-signed certificates are checked by both verifiers too.
    const rootSigner = await key('root', 'rsa-2048', 'rsa-pss-sha256');
    const ca = { certificateAuthority: true, notBefore, validityDays: 3650 };
    root = await issueSelfSignedCertificate(rootSigner, {
      subject: { commonName: 'Signet Test Root', organization: 'Signet' },
      ...ca,
    });
    const intermediateSigner = await key('intermediate', 'ec-p384');
    intermediate = await issueCertificate(intermediateSigner.key.publicKey, {
      subject: { commonName: 'Signet Test Code Signing CA', organization: 'Signet' },
      issuer: { signer: rootSigner, certificate: root },
      ...ca,
    });
    const leafKey = await soft.generateKey({ name: 'leaf', spec: 'ec-p256' });
    const leafCertificate = await issueCertificate(leafKey.publicKey, {
      subject: { commonName: 'Release', organization: 'Signet' },
      issuer: { signer: intermediateSigner, certificate: intermediate },
      notBefore,
      validityDays: 30,
    });
    await soft.setCertificates({ key: leafKey.uri, certificates: [leafCertificate, intermediate] });
    leaf = await createSigner(soft, leafKey.uri);
    otherRoot = await issueSelfSignedCertificate(await key('other', 'ec-p256'), {
      subject: { commonName: 'Someone Else' },
      ...ca,
    });

    file = join(dir, 'app.bin');
    await writeFile(file, randomBytes(4096));
    await writeFile(join(dir, 'root.pem'), toPem('CERTIFICATE', root));
    await writeFile(join(dir, 'other.pem'), toPem('CERTIFICATE', otherRoot));
    digest = digestBytes('sha256', await readFile(file));
    signature = await signCms(leaf, { digest });
    await writeFile(join(dir, 'app.p7s'), signature);
  });

  const opensslVerify = (caFile: string) =>
    openssl([
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'app.p7s'),
      '-content',
      file,
      '-CAfile',
      join(dir, caFile),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);

  describe('with its root trusted', () => {
    it('verifies in openssl with -CAfile root.pem', async () => {
      const result = await opensslVerify('root.pem');
      expect(result.ok).toBe(true);
      expect(result.stderr).toContain('Verification successful');
    });

    it('is trusted by verifyCms, with the chain leaf first', async () => {
      const result = await verifyCms(signature, { path: file }, { trustedCertificates: [root] });
      expect(result.trusted).toBe(true);
      expect(result.chain.map((c) => c.subject)).toEqual([
        'CN=Release, O=Signet',
        'CN=Signet Test Code Signing CA, O=Signet',
        'CN=Signet Test Root, O=Signet',
      ]);
      expect(result.signer.issuer).toBe('CN=Signet Test Code Signing CA, O=Signet');
    });

    it('fails once the leaf has expired, or before it is valid', async () => {
      for (const now of [new Date(Date.now() + 40 * DAY), new Date(notBefore.getTime() - DAY)]) {
        await expect(verifyCms(signature, { path: file }, { trustedCertificates: [root], now })).rejects.toSatisfy(
          (e) => isSignetError(e, 'VERIFICATION_FAILED'),
        );
      }
    });
  });

  describe('with an intermediate trusted directly', () => {
    it('stops the chain there', async () => {
      const result = await verifyCms(signature, { digest }, { trustedCertificates: [intermediate] });
      expect(result.chain).toHaveLength(2);
    });
  });

  describe('with another root trusted', () => {
    it('fails in openssl', async () => {
      expect((await opensslVerify('other.pem')).ok).toBe(false);
    });

    it('is valid but not trusted by verifyCms', async () => {
      const result = await verifyCms(signature, { path: file }, { trustedCertificates: [otherRoot] });
      expect(result.trusted).toBe(false);
      expect(result.chain).toEqual([]);
    });
  });

  describe('with nothing trusted', () => {
    it('is valid but not trusted', async () => {
      expect((await verifyCms(signature, { digest })).trusted).toBe(false);
    });
  });
});
