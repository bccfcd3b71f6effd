import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createPgpHash,
  dearmorPgp,
  exportPgpPublicKey,
  pgpAlgorithmFor,
  pgpKeyCreationTime,
  readPgpSignature,
  signPgpDetached,
  signPgpHash,
} from '../../../src/formats/pgp/index.js';
import type { SoftKeyProvider } from '../../../src/provider/soft/index.js';
import { createSigner, isSignetError, type KeyInfo, type Signer } from '../../helpers/sdk.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';
import { verifiesInProcess } from './verify-in-process.js';

const code =
  (...codes: Parameters<typeof isSignetError>[1][]) =>
  (e: unknown) =>
    isSignetError(e, ...codes);

/** A signer that records the digests it is asked to sign. */
function recording(signer: Signer): Signer & { digests: Uint8Array[] } {
  const digests: Uint8Array[] = [];
  return { ...signer, digests, sign: (digest, options) => (digests.push(digest), signer.sign(digest, options)) };
}

describe('OpenPGP signing through a Signer', () => {
  let dir: string;
  let soft: SoftKeyProvider;
  let rsa: KeyInfo;
  let ec: KeyInfo;
  let file: string;
  const data = randomBytes(2.5 * 1024 * 1024);

  beforeAll(async () => {
    dir = await tempDir();
    soft = await openTestStore(join(dir, 'keys'));
    rsa = await soft.generateKey({ name: 'rsa', spec: 'rsa-2048' });
    ec = await soft.generateKey({ name: 'ec', spec: 'ec-p256' });
    file = join(dir, 'artifact.bin');
    await writeFile(file, data);
  });

  describe('exporting a public key', () => {
    it('takes the key creation time from the provider, and keeps the fingerprint stable', async () => {
      const signer = await createSigner(soft, ec.uri);
      const a = await exportPgpPublicKey(signer, { userId: 'A <a@example.com>' });
      const b = await exportPgpPublicKey(signer, { userId: 'B <b@example.com>' });
      expect(a.createdAt.getTime()).toBe(Math.floor(ec.createdAt!.getTime() / 1000) * 1000);
      expect(b.fingerprint).toBe(a.fingerprint);
      expect(a.keyId).toBe(a.fingerprint.slice(24));
      expect(a.fingerprint).toMatch(/^[0-9A-F]{40}$/);
      expect(Buffer.from(dearmorPgp(a.armored).data).equals(Buffer.from(a.binary))).toBe(true);
    });

    it('uses the caller-supplied creation time over the provider one: a different OpenPGP key', async () => {
      const signer = await createSigner(soft, ec.uri);
      const keyCreatedAt = new Date('2024-05-01T12:00:00.900Z');
      const key = await exportPgpPublicKey(signer, { userId: 'A', keyCreatedAt });
      expect(key.createdAt.toISOString()).toBe('2024-05-01T12:00:00.000Z');
      expect(key.fingerprint).not.toBe((await exportPgpPublicKey(signer, { userId: 'A' })).fingerprint);
    });

    it('falls back to the Unix epoch when the provider does not know the creation time', async () => {
      const base = await createSigner(soft, ec.uri);
      const { createdAt: _, ...key } = base.key;
      const signer = { ...base, key };
      expect(pgpKeyCreationTime(key).getTime()).toBe(0);
      const exported = await exportPgpPublicKey(signer, { userId: 'A' });
      expect(exported.createdAt.getTime()).toBe(0);
      const asc = await signPgpDetached(signer, { path: file });
      expect(readPgpSignature(asc).issuerFingerprint).toBe(exported.fingerprint);
    });

    it('signs the certification through the signer, with a digest only', async () => {
      const signer = recording(await createSigner(soft, rsa.uri));
      await exportPgpPublicKey(signer, { userId: 'A' });
      expect(signer.digests.map((d) => d.length)).toEqual([32]);
    });

    it.each([[''], ['  '], ['two\nlines'], [42]])('refuses the User ID %j', async (userId) => {
      const signer = recording(await createSigner(soft, ec.uri));
      await expect(exportPgpPublicKey(signer, { userId: userId as string })).rejects.toSatisfy(
        code('INVALID_ARGUMENT'),
      );
      expect(signer.digests).toEqual([]);
    });
  });

  describe('signing a file', () => {
    it.each(['rsa', 'ec'])('with the %s key verifies in process over the file bytes', async (which) => {
      const signer = recording(await createSigner(soft, (which === 'rsa' ? rsa : ec).uri));
      const asc = await signPgpDetached(signer, { path: file });
      expect(asc).toMatch(
        /^-----BEGIN PGP SIGNATURE-----\n\n[\s\S]+\n=[A-Za-z0-9+/]{4}\n-----END PGP SIGNATURE-----\n$/,
      );
      expect(signer.digests).toHaveLength(1);
      expect(verifiesInProcess(asc, data, signer)).toBe(true);
      expect(verifiesInProcess(asc, Buffer.concat([data, Buffer.from([0])]), signer)).toBe(false);
    });

    it('gives the same signature from a stream as from the file (RSA is deterministic)', async () => {
      const signer = await createSigner(soft, rsa.uri);
      const signedAt = new Date('2030-01-01T00:00:00Z');
      const fromFile = await signPgpDetached(signer, { path: file }, { signedAt });
      const chunks = Readable.from([data.subarray(0, 1000), data.subarray(1000, 5000), data.subarray(5000)]);
      expect(await signPgpDetached(signer, { stream: chunks }, { signedAt })).toBe(fromFile);
      expect(readPgpSignature(fromFile).createdAt).toEqual(signedAt);
    });

    it('reports progress up to the file size', async () => {
      const onProgress = vi.fn();
      await signPgpDetached(await createSigner(soft, ec.uri), { path: file }, { onProgress });
      expect(onProgress).toHaveBeenCalledTimes(3);
      expect(onProgress).toHaveBeenLastCalledWith({ bytes: data.length, total: data.length });
    });

    it('signs one hash with several keys that share its hash function', async () => {
      const rsaSigner = await createSigner(soft, rsa.uri);
      const ecSigner = await createSigner(soft, ec.uri);
      const hash = createPgpHash('sha256').update(data);
      expect(hash.bytes).toBe(data.length);
      expect(verifiesInProcess(await signPgpHash(rsaSigner, hash), data, rsaSigner)).toBe(true);
      expect(verifiesInProcess(await signPgpHash(ecSigner, hash), data, ecSigner)).toBe(true);
    });

    it('refuses a hash of another function, or not made by createPgpHash', async () => {
      const signer = await createSigner(soft, ec.uri);
      await expect(signPgpHash(signer, createPgpHash('sha512'))).rejects.toSatisfy(code('INVALID_ARGUMENT'));
      const fake = { algorithm: 'sha256', bytes: 0, update: () => fake } as const;
      await expect(signPgpHash(signer, fake)).rejects.toSatisfy(code('INVALID_ARGUMENT'));
    });
  });

  describe('refusing', () => {
    it('RSA-PSS, which OpenPGP v4 lacks, before reading or signing anything', async () => {
      const signer = recording(await createSigner(soft, rsa.uri, { algorithm: 'rsa-pss-sha256' }));
      await expect(signPgpDetached(signer, { path: join(dir, 'missing') })).rejects.toSatisfy(
        code('UNSUPPORTED_ALGORITHM'),
      );
      await expect(exportPgpPublicKey(signer, { userId: 'A' })).rejects.toSatisfy(code('UNSUPPORTED_ALGORITHM'));
      expect(signer.digests).toEqual([]);
    });

    it('a key that offers only PSS when picking the algorithm', () => {
      expect(pgpAlgorithmFor(rsa)).toBe('rsa-pkcs1-sha256');
      expect(pgpAlgorithmFor(ec)).toBe('ecdsa-p256-sha256');
      expect(() => pgpAlgorithmFor({ uri: 'x:y', algorithms: ['rsa-pss-sha256'] })).toThrow(
        expect.objectContaining({ code: 'UNSUPPORTED_ALGORITHM' }),
      );
    });

    it('a signature older than its key, and dates OpenPGP cannot write', async () => {
      const signer = await createSigner(soft, ec.uri);
      const before = new Date(ec.createdAt!.getTime() - 10_000);
      await expect(signPgpDetached(signer, { path: file }, { signedAt: before })).rejects.toSatisfy(
        code('INVALID_ARGUMENT'),
      );
      for (const keyCreatedAt of [new Date('1960-01-01'), new Date('2200-01-01'), new Date(NaN)]) {
        await expect(exportPgpPublicKey(signer, { userId: 'A', keyCreatedAt })).rejects.toSatisfy(
          code('INVALID_ARGUMENT'),
        );
      }
    });

    it('a missing file, a stream that fails or yields text, and a missing input', async () => {
      const signer = await createSigner(soft, ec.uri);
      await expect(signPgpDetached(signer, { path: join(dir, 'missing') })).rejects.toSatisfy(code('IO_ERROR'));
      await expect(signPgpDetached(signer, { path: dir })).rejects.toSatisfy(code('IO_ERROR'));
      async function* failing() {
        yield new Uint8Array(1);
        throw new Error('connection reset');
      }
      await expect(signPgpDetached(signer, { stream: failing() })).rejects.toSatisfy(code('IO_ERROR'));
      await expect(signPgpDetached(signer, { stream: Readable.from(['text']) })).rejects.toSatisfy(
        code('INVALID_ARGUMENT'),
      );
      await expect(signPgpDetached(signer, {} as { path: string })).rejects.toSatisfy(code('INVALID_ARGUMENT'));
    });

    it('to go on once aborted, with nothing signed', async () => {
      const signer = recording(await createSigner(soft, ec.uri));
      const controller = new AbortController();
      const run = signPgpDetached(
        signer,
        { path: file },
        { signal: controller.signal, onProgress: () => controller.abort() },
      );
      await expect(run).rejects.toSatisfy(code('ABORTED'));
      expect(signer.digests).toEqual([]);
    });
  });
});
