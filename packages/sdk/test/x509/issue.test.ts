import { createHash, createPublicKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeCertificate,
  issueCertificate,
  issueSelfSignedCertificate,
  OID_CODE_SIGNING,
  toPem,
} from '../../src/x509/index.js';
import type { SoftKeyProvider } from '../../src/provider/soft/index.js';
import { createSigner, isSignetError, listAlgorithms, type KeySpec, type Signer } from '../helpers/sdk.js';
import { openssl } from '../helpers/openssl.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';

const SPECS: KeySpec[] = ['rsa-2048', 'ec-p256', 'ec-p384', 'ec-p521'];

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((e) => isSignetError(e) && e.code === code);
}

/** RFC 5280 key identifier computed without our ASN.1 code: the key bits are PKCS#1 (RSA) or the EC point. */
function expectedKeyId(spki: Uint8Array): string {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const jwk = key.export({ format: 'jwk' });
  const bits =
    key.asymmetricKeyType === 'rsa'
      ? key.export({ type: 'pkcs1', format: 'der' })
      : Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return createHash('sha1')
    .update(bits)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
}

describe('certificates', () => {
  let dir: string;
  let soft: SoftKeyProvider;
  const signers = new Map<string, Signer>();

  beforeAll(async () => {
    dir = await tempDir();
    soft = await openTestStore(join(dir, 'keys'), { backend: 'portable' });
    for (const spec of SPECS) await soft.generateKey({ name: spec, spec });
    for (const algorithm of listAlgorithms()) {
      const spec = algorithm.keyType === 'rsa' ? 'rsa-2048' : `ec-p${algorithm.curve!.slice(2)}`;
      signers.set(algorithm.id, await createSigner(soft, `soft://${spec}`, { algorithm: algorithm.id }));
    }
  });

  async function writeCert(name: string, der: Uint8Array): Promise<string> {
    const path = join(dir, `${name}.pem`);
    await writeFile(path, toPem('CERTIFICATE', der));
    return path;
  }

  describe.each(listAlgorithms().map((a) => [a.id, a] as const))('self-signed with %s', (id, algorithm) => {
    it('is a code-signing leaf that openssl prints and verifies', async () => {
      const signer = signers.get(id)!;
      const der = await issueSelfSignedCertificate(signer, {
        subject: { commonName: 'Release', organization: 'Acme' },
      });
      const path = await writeCert(id, der);
      const text = (await openssl(['x509', '-in', path, '-noout', '-text'])).stdout;
      const sigName =
        algorithm.scheme === 'ecdsa'
          ? `ecdsa-with-${algorithm.hash.toUpperCase()}`
          : algorithm.scheme === 'pss'
            ? 'rsassaPss'
            : `${algorithm.hash}WithRSAEncryption`;
      expect(text).toContain(`Signature Algorithm: ${sigName}`);
      expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
      expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
      expect(text).toMatch(/X509v3 Extended Key Usage:\s*\n\s+Code Signing\n/);
      const keyId = expectedKeyId(signer.key.publicKey);
      expect(text).toMatch(new RegExp(`X509v3 Subject Key Identifier:\\s*\\n\\s+${keyId}\\n`));
      expect(text).toMatch(new RegExp(`X509v3 Authority Key Identifier:\\s*\\n\\s+(keyid:)?${keyId}\\n`));
      if (algorithm.scheme === 'pss')
        expect(text).toMatch(
          new RegExp(
            `Mask Algorithm: mgf1 with ${algorithm.hash}\\s+Salt Length: 0x${algorithm.digestLength.toString(16)}`,
          ),
        );
      const verify = await openssl(['verify', '-CAfile', path, '-purpose', 'any', path]);
      expect(verify.stdout).toContain(': OK');
      expect(describeCertificate(der)).toMatchObject({
        subject: 'CN=Release, O=Acme',
        selfSigned: true,
        extendedKeyUsage: [OID_CODE_SIGNING],
      });
      expect(describeCertificate(der).publicKey).toEqual(signer.key.publicKey);
    });
  });

  describe('with options', () => {
    const signer = () => signers.get('ecdsa-p256-sha256')!;

    it('takes the validity, serial number, subject and key usages given', async () => {
      const der = await issueSelfSignedCertificate(signer(), {
        subject: { commonName: 'Release Zürich', organization: 'Acme', organizationalUnit: 'Build', country: 'CH' },
        notBefore: new Date('2030-01-01T00:00:00.750Z'),
        validityDays: 10,
        serialNumber: 0x80_01n,
        extendedKeyUsage: [OID_CODE_SIGNING, '1.3.6.1.5.5.7.3.8'],
      });
      const path = await writeCert('options', der);
      const text = (
        await openssl([
          'x509',
          '-in',
          path,
          '-noout',
          '-subject',
          '-serial',
          '-startdate',
          '-enddate',
          '-nameopt',
          'utf8,sep_comma_plus_space',
          '-ext',
          'extendedKeyUsage',
        ])
      ).stdout;
      expect(text).toContain('subject=C=CH, O=Acme, OU=Build, CN=Release Zürich');
      expect(text).toContain('serial=8001');
      expect(text).toContain('notBefore=Jan  1 00:00:00 2030 GMT');
      expect(text).toContain('notAfter=Jan 11 00:00:00 2030 GMT');
      expect(text).toContain('Code Signing, Time Stamping');
      expect(describeCertificate(der).serialNumber).toBe('008001');
    });

    it('writes dates from 2050 on as GeneralizedTime, which openssl reads', async () => {
      const der = await issueSelfSignedCertificate(signer(), {
        subject: { commonName: 'Future' },
        notBefore: new Date('2049-12-31T00:00:00Z'),
        validityDays: 2,
      });
      expect(Buffer.from(der).includes(Buffer.from('\x18\x0f20500102000000Z', 'latin1'))).toBe(true);
      const text = (await openssl(['x509', '-in', await writeCert('future', der), '-noout', '-enddate'])).stdout;
      expect(text).toContain('notAfter=Jan  2 00:00:00 2050 GMT');
    });

    it('leaves the extended key usage out when the list is empty', async () => {
      const der = await issueSelfSignedCertificate(signer(), {
        subject: { commonName: 'No EKU' },
        extendedKeyUsage: [],
      });
      expect(describeCertificate(der).extendedKeyUsage).toEqual([]);
    });

    it('picks a different positive 16-byte serial number each time', async () => {
      const serials = await Promise.all(
        [1, 2, 3].map(
          async () =>
            describeCertificate(await issueSelfSignedCertificate(signer(), { subject: { commonName: 'x' } }))
              .serialNumber,
        ),
      );
      expect(new Set(serials).size).toBe(3);
      for (const serial of serials) {
        expect(BigInt(`0x${serial}`)).toBeGreaterThan(0n);
        expect(serial.length).toBeLessThanOrEqual(34); // 16 bytes, plus a zero byte when the top bit is set
      }
    });
  });

  describe('issued by a CA', () => {
    it('chain to the CA in openssl verify, with the CA key identifier as authority key identifier', async () => {
      const caSigner = signers.get('ecdsa-p384-sha384')!;
      const ca = await issueSelfSignedCertificate(caSigner, {
        subject: { commonName: 'Test CA' },
        certificateAuthority: true,
      });
      const caPath = await writeCert('ca', ca);
      const caText = (await openssl(['x509', '-in', caPath, '-noout', '-text'])).stdout;
      expect(caText).toMatch(/CA:TRUE/);
      expect(caText).toMatch(/Certificate Sign, CRL Sign/);
      expect(caText).not.toContain('Extended Key Usage');

      const leafKey = signers.get('rsa-pkcs1-sha256')!.key;
      const leaf = await issueCertificate(leafKey.publicKey, {
        subject: { commonName: 'Leaf' },
        issuer: { signer: caSigner, certificate: ca },
      });
      const leafPath = await writeCert('leaf', leaf);
      expect((await openssl(['verify', '-CAfile', caPath, '-purpose', 'any', leafPath])).stdout).toContain(': OK');
      expect((await openssl(['verify', '-CAfile', leafPath, '-purpose', 'any', leafPath])).ok).toBe(false);
      const leafText = (await openssl(['x509', '-in', leafPath, '-noout', '-text'])).stdout;
      expect(leafText).toMatch(
        new RegExp(`Authority Key Identifier:\\s*\\n\\s+(keyid:)?${expectedKeyId(caSigner.key.publicKey)}\\n`),
      );
      expect(describeCertificate(leaf)).toMatchObject({ issuer: 'CN=Test CA', subject: 'CN=Leaf', selfSigned: false });
    });
  });

  describe('are refused', () => {
    const signer = () => signers.get('ecdsa-p256-sha256')!;

    it.each([
      ['without a common name', { subject: {} as { commonName: string } }],
      ['with an empty organization', { subject: { commonName: 'x', organization: ' ' } }],
      ['with a country that is not two letters', { subject: { commonName: 'x', country: 'Germany' } }],
      ['with a zero serial number', { subject: { commonName: 'x' }, serialNumber: 0n }],
      ['with a negative serial number', { subject: { commonName: 'x' }, serialNumber: -5n }],
      ['with a 21-byte serial number', { subject: { commonName: 'x' }, serialNumber: new Uint8Array(21).fill(1) }],
      ['with no validity', { subject: { commonName: 'x' }, validityDays: 0 }],
      ['with an invalid start date', { subject: { commonName: 'x' }, notBefore: new Date('nope') }],
    ])('%s as INVALID_ARGUMENT', async (_name, options) => {
      await expectCode(issueSelfSignedCertificate(signer(), options), 'INVALID_ARGUMENT');
    });

    it('self-signed by a key other than the subject key, as INVALID_ARGUMENT', async () => {
      const other = signers.get('ecdsa-p384-sha384')!;
      await expectCode(
        issueCertificate(signer().key.publicKey, { subject: { commonName: 'x' }, issuer: { signer: other } }),
        'INVALID_ARGUMENT',
      );
    });

    it('for a subject key that is not DER, as INVALID_ARGUMENT', async () => {
      await expectCode(
        issueCertificate(new Uint8Array([48, 1, 2]), { subject: { commonName: 'x' }, issuer: { signer: signer() } }),
        'INVALID_ARGUMENT',
      );
    });

    it('issued from a certificate that is not a CA, as INVALID_CERTIFICATE', async () => {
      const notCa = await issueSelfSignedCertificate(signer(), { subject: { commonName: 'Leaf' } });
      const subject = signers.get('ecdsa-p384-sha384')!.key.publicKey;
      await expectCode(
        issueCertificate(subject, { subject: { commonName: 'x' }, issuer: { signer: signer(), certificate: notCa } }),
        'INVALID_CERTIFICATE',
      );
    });

    it('issued from a CA certificate of another key, as CERTIFICATE_KEY_MISMATCH', async () => {
      const other = signers.get('ecdsa-p384-sha384')!;
      const ca = await issueSelfSignedCertificate(other, { subject: { commonName: 'CA' }, certificateAuthority: true });
      await expectCode(
        issueCertificate(signer().key.publicKey, {
          subject: { commonName: 'x' },
          issuer: { signer: signer(), certificate: ca },
        }),
        'CERTIFICATE_KEY_MISMATCH',
      );
    });
  });
});
