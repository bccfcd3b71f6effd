import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cmsToPem, signCms, verifyCms } from '../../../src/formats/cms/index.js';
import { digestFile, getAlgorithm, isSignetError, listAlgorithms, type SignatureAlgorithm } from '../../helpers/sdk.js';
import { openssl } from '../../helpers/openssl.js';
import { createCmsFixture, specFor, type CmsFixture } from './fixture.js';

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((e) => isSignetError(e) && e.code === code);
}

async function digestOf(path: string, algorithm: SignatureAlgorithm): Promise<Uint8Array> {
  return (await digestFile(path, { hashes: [algorithm.hash] })).digests[algorithm.hash]!;
}

describe('a detached CMS signature', () => {
  let fx: CmsFixture;

  beforeAll(async () => {
    fx = await createCmsFixture();
  });

  const opensslVerify = (signature: string, content: string, caFile: string, inform = 'DER') =>
    openssl([
      'cms',
      '-verify',
      '-binary',
      '-inform',
      inform,
      '-in',
      signature,
      '-content',
      content,
      '-CAfile',
      caFile,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);

  describe.each(listAlgorithms().map((a) => [a.id, a] as const))('made with %s', (id, algorithm) => {
    it('is accepted by openssl cms -verify and by verifyCms, and a tampered file fails both', async () => {
      const signer = await fx.signer(algorithm);
      const signature = await signCms(signer, { digest: await digestOf(fx.file, algorithm) });
      const p7s = join(fx.dir, `${id}.p7s`);
      await writeFile(p7s, signature);
      const caFile = fx.certificatePem(specFor(algorithm));

      const ok = await opensslVerify(p7s, fx.file, caFile);
      expect(ok.ok).toBe(true);
      expect(ok.stderr).toContain('Verification successful');
      const result = await verifyCms(
        signature,
        { path: fx.file },
        { trustedCertificates: [signer.key.certificates[0]!] },
      );
      expect(result.algorithm.id).toBe(id);
      expect(result.trusted).toBe(true);
      expect(result.signer.subject).toBe(`CN=Signet test ${specFor(algorithm)}, O=Signet`);

      const tampered = join(fx.dir, `${id}.tampered`);
      const bytes = await readFile(fx.file);
      const middle = bytes.length >> 1;
      bytes[middle] = bytes[middle]! ^ 1;
      await writeFile(tampered, bytes);
      expect((await opensslVerify(p7s, tampered, caFile)).ok).toBe(false);
      await expectCode(verifyCms(signature, { path: tampered }), 'VERIFICATION_FAILED');
      await expectCode(verifyCms(signature, { digest: await digestOf(tampered, algorithm) }), 'VERIFICATION_FAILED');
    });
  });

  describe('when it is PEM-armored', () => {
    it('is read by openssl cms -inform PEM and by verifyCms', async () => {
      const algorithm = getAlgorithm('ecdsa-p384-sha384');
      const signature = await signCms(await fx.signer(algorithm), { digest: await digestOf(fx.file, algorithm) });
      const pem = cmsToPem(signature);
      expect(pem).toMatch(/^-----BEGIN PKCS7-----\n/);
      const path = join(fx.dir, 'armored.p7s.pem');
      await writeFile(path, pem);
      expect((await opensslVerify(path, fx.file, fx.certificatePem('ec-p384'), 'PEM')).ok).toBe(true);
      expect((await openssl(['pkcs7', '-in', path, '-noout', '-print_certs'])).ok).toBe(true);
      expect((await verifyCms(pem, { path: fx.file })).algorithm.id).toBe('ecdsa-p384-sha384');
      expect((await verifyCms(Buffer.from(pem), { path: fx.file })).trusted).toBe(false);
    });
  });

  describe('its signing time', () => {
    const algorithm = getAlgorithm('ecdsa-p256-sha256');

    it('is the given time in whole seconds, as UTCTime', async () => {
      const digest = await digestOf(fx.file, algorithm);
      const signature = await signCms(
        await fx.signer(algorithm),
        { digest },
        { signingTime: new Date('2030-05-06T07:08:09.999Z') },
      );
      const result = await verifyCms(signature, { digest });
      expect(result.signingTime).toEqual(new Date('2030-05-06T07:08:09.000Z'));
      expect(Buffer.from(signature).includes(Buffer.from('\x17\x0d300506070809Z', 'latin1'))).toBe(true);
    });

    it('is a GeneralizedTime from 2050 on, which openssl accepts', async () => {
      const digest = await digestOf(fx.file, algorithm);
      const signature = await signCms(
        await fx.signer(algorithm),
        { digest },
        { signingTime: new Date('2051-01-02T03:04:05Z') },
      );
      expect(Buffer.from(signature).includes(Buffer.from('\x18\x0f20510102030405Z', 'latin1'))).toBe(true);
      expect((await verifyCms(signature, { digest })).signingTime).toEqual(new Date('2051-01-02T03:04:05Z'));
      const p7s = join(fx.dir, 'future.p7s');
      await writeFile(p7s, signature);
      expect((await opensslVerify(p7s, fx.file, fx.certificatePem('ec-p256'))).ok).toBe(true);
    });

    it('defaults to now', async () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const digest = await digestOf(fx.file, algorithm);
      const result = await verifyCms(await signCms(await fx.signer(algorithm), { digest }), { digest });
      expect(result.signingTime!.getTime()).toBeGreaterThanOrEqual(before);
      expect(result.signingTime!.getTime()).toBeLessThanOrEqual(Date.now());
    });
  });

  describe('when signing is refused', () => {
    it('needs a key with a certificate', async () => {
      const algorithm = getAlgorithm('ecdsa-p256-sha256');
      const signer = await fx.signer(algorithm);
      const bare = { ...signer, key: { ...signer.key, certificates: [] }, sign: vi.fn(signer.sign) };
      await expectCode(signCms(bare, { digest: new Uint8Array(32) }), 'INVALID_CERTIFICATE');
      expect(bare.sign).not.toHaveBeenCalled();
    });

    it('needs a certificate that holds the key', async () => {
      const signer = await fx.signer(getAlgorithm('ecdsa-p256-sha256'));
      const other = await fx.signer(getAlgorithm('ecdsa-p384-sha384'));
      const wrong = { ...signer, key: { ...signer.key, certificates: other.key.certificates } };
      await expectCode(signCms(wrong, { digest: new Uint8Array(32) }), 'CERTIFICATE_KEY_MISMATCH');
    });

    it('stops when aborted', async () => {
      const signer = await fx.signer(getAlgorithm('ecdsa-p256-sha256'));
      await expectCode(signCms(signer, { digest: new Uint8Array(32) }, { signal: AbortSignal.abort() }), 'ABORTED');
    });
  });

  describe('when it is verified with a digest', () => {
    it('refuses a digest of another length than the signature hash', async () => {
      const algorithm = getAlgorithm('rsa-pss-sha384');
      const signature = await signCms(await fx.signer(algorithm), { digest: await digestOf(fx.file, algorithm) });
      await expectCode(verifyCms(signature, { digest: new Uint8Array(32) }), 'DIGEST_LENGTH_MISMATCH');
    });

    it('reports a missing file as an I/O error', async () => {
      const algorithm = getAlgorithm('ecdsa-p256-sha256');
      const signature = await signCms(await fx.signer(algorithm), { digest: randomBytes(32) });
      await expectCode(verifyCms(signature, { path: join(fx.dir, 'missing.bin') }), 'IO_ERROR');
    });
  });
});
