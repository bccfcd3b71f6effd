import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { signCms, verifyCms } from '../../../src/formats/cms/index.js';
import { digestBytes, getAlgorithm, isSignetError, type Signer } from '../../helpers/sdk.js';
import { createCmsFixture } from './fixture.js';

/** Whether verifying `bytes` ends as it may: success, or a SignetError with one of the format's codes. */
async function failsCleanly(bytes: Uint8Array, path: string): Promise<boolean> {
  try {
    await verifyCms(bytes, { path });
    return true;
  } catch (e) {
    return isSignetError(e, 'INVALID_FORMAT', 'VERIFICATION_FAILED');
  }
}

describe('verifyCms given damaged input', () => {
  const valid = new Map<string, Uint8Array>();
  const digest = digestBytes('sha256', Buffer.from('a small artifact\n'));
  let file: string;

  beforeAll(async () => {
    const fx = await createCmsFixture(['rsa-2048', 'ec-p256']);
    file = join(fx.dir, 'small.bin');
    await writeFile(file, 'a small artifact\n');
    for (const id of ['ecdsa-p256-sha256', 'rsa-pss-sha256'] as const) {
      const algorithm = getAlgorithm(id);
      valid.set(id, await signCms(await fx.signer(algorithm), { digest }));
    }
  });

  it('refuses random bytes as INVALID_FORMAT', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        await expect(verifyCms(bytes, { path: file })).rejects.toSatisfy((e) => isSignetError(e, 'INVALID_FORMAT'));
      }),
    );
  });

  describe.each(['ecdsa-p256-sha256', 'rsa-pss-sha256'])('made with %s', (id) => {
    it('refuses every truncation as INVALID_FORMAT', async () => {
      const der = valid.get(id)!;
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: der.length - 1 }), async (length) => {
          await expect(verifyCms(der.subarray(0, length), { path: file })).rejects.toSatisfy((e) =>
            isSignetError(e, 'INVALID_FORMAT'),
          );
        }),
      );
    });

    it('never throws anything but a coded error when a bit flips', async () => {
      const der = valid.get(id)!;
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: der.length * 8 - 1 }), async (bit) => {
          const flipped = Uint8Array.from(der);
          flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
          expect(await failsCleanly(flipped, file)).toBe(true);
        }),
        { numRuns: 200 },
      );
    });

    it('rejects a flipped bit in every byte from the signed attributes on', async () => {
      const der = valid.get(id)!;
      // The contentType attribute (its OID) opens the signed attributes: [0] length, SEQUENCE length, OID.
      const start = Buffer.from(der).indexOf(Buffer.from('06092a864886f70d010903', 'hex')) - 4;
      expect(start).toBeGreaterThan(0);
      // pkijs takes ~10 ms per parse: one bit per byte (a different one each time) keeps this a few seconds.
      for (let byte = start; byte < der.length; byte++) {
        const flipped = Uint8Array.from(der);
        flipped[byte] = flipped[byte]! ^ (1 << (byte % 8));
        const outcome = await verifyCms(flipped, { digest }).then(
          () => 'accepted',
          (e: unknown) => (isSignetError(e, 'INVALID_FORMAT', 'VERIFICATION_FAILED') ? 'refused' : e),
        );
        if (outcome !== 'refused') expect.fail(`byte ${byte}: ${String(outcome)}`);
      }
    });
  });
});

describe('signCms given a digest of the wrong length', () => {
  let signer: Signer;

  beforeAll(async () => {
    const fx = await createCmsFixture(['ec-p384']);
    signer = await fx.signer(getAlgorithm('ecdsa-p384-sha384'));
  });

  it('refuses it with DIGEST_LENGTH_MISMATCH before anything is signed', async () => {
    const spy = { ...signer, sign: vi.fn(signer.sign) };
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 100 }).filter((d) => d.length !== 48),
        async (digest) => {
          await expect(signCms(spy, { digest })).rejects.toSatisfy((e) => isSignetError(e, 'DIGEST_LENGTH_MISMATCH'));
        },
      ),
    );
    expect(spy.sign).not.toHaveBeenCalled();
  });
});
