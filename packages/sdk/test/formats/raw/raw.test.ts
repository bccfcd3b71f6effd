import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSignature, encodeBase64, signRaw, verifyRaw } from '../../../src/formats/raw/index.js';
import { createSigner, digestFile, isSignetError, listAlgorithms, toPemSpki, type KeyInfo } from '../../helpers/sdk.js';
import { openssl } from '../../helpers/openssl.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';
import type { SoftKeyProvider } from '../../../src/provider/soft/index.js';

describe('the raw format', () => {
  let dir: string;
  let soft: SoftKeyProvider;
  let file: string;
  const keys = new Map<string, KeyInfo>();

  beforeAll(async () => {
    dir = await tempDir();
    soft = await openTestStore(join(dir, 'keys'));
    for (const spec of ['rsa-2048', 'ec-p256', 'ec-p384', 'ec-p521'] as const)
      keys.set(spec, await soft.generateKey({ name: spec, spec }));
    file = join(dir, 'artifact.bin');
    await writeFile(file, randomBytes(3 * 1024 * 1024 + 7));
  });

  describe.each(listAlgorithms().map((a) => [a.id, a] as const))('with %s', (id, algorithm) => {
    it('signs a file that openssl dgst -verify accepts, and a tampered file fails', async () => {
      const key = [...keys.values()].find((k) => k.algorithms.includes(id))!;
      const signer = await createSigner(soft, key.uri, { algorithm: id });
      const { digests } = await digestFile(file, { hashes: [algorithm.hash] });
      const signature = await signRaw(signer, { digest: digests[algorithm.hash]! });
      const sig = join(dir, `${id}.sig`);
      const pub = join(dir, `${id}.pub.pem`);
      await writeFile(sig, signature);
      await writeFile(pub, toPemSpki(key.publicKey));
      const pss =
        algorithm.scheme === 'pss' ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest'] : [];
      const check = (path: string) =>
        openssl(['dgst', `-${algorithm.hash}`, '-verify', pub, '-signature', sig, ...pss, path]);
      expect((await check(file)).stdout).toContain('Verified OK');

      verifyRaw({ publicKey: key.publicKey, algorithm: id, digest: digests[algorithm.hash]!, signature });
      const tampered = join(dir, `${id}.tampered`);
      await writeFile(tampered, Buffer.concat([randomBytes(1), randomBytes(10)]));
      expect((await check(tampered)).ok).toBe(false);
      const other = (await digestFile(tampered, { hashes: [algorithm.hash] })).digests[algorithm.hash]!;
      expect(() => verifyRaw({ publicKey: key.publicKey, algorithm: id, digest: other, signature })).toThrow(
        expect.objectContaining({ code: 'VERIFICATION_FAILED' }),
      );
    });
  });

  it('round-trips base64 text and leaves binary signatures alone', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), (signature) => {
        expect(Buffer.from(decodeSignature(Buffer.from(encodeBase64(signature))))).toEqual(Buffer.from(signature));
      }),
    );
  });

  it('never accepts a random signature, and never throws anything but a coded error', () => {
    const key = keys.get('ec-p256')!;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (signature) => {
        try {
          verifyRaw({
            publicKey: key.publicKey,
            algorithm: 'ecdsa-p256-sha256',
            digest: new Uint8Array(32),
            signature,
          });
          expect.unreachable();
        } catch (e) {
          expect(isSignetError(e, 'VERIFICATION_FAILED')).toBe(true);
        }
      }),
    );
  });
});
