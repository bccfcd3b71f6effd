import { createHash, randomBytes } from 'node:crypto';
import { isSignetError } from '@signet/sdk';
import { verifyDigestSignature } from '@signet/sdk/formats/raw';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32c } from '../src/crc32c.js';
import type { Corruption } from './fake-kms.js';
import { providerFor, requestsSince, RING, uriOf, useFakeKms } from './helpers.js';

const EC = uriOf(`${RING}/cryptoKeys/p384/cryptoKeyVersions/1`);
const PSS = uriOf(`${RING}/cryptoKeys/pss/cryptoKeyVersions/1`);

describe('the Cloud KMS provider checks CRC32C both ways', () => {
  const fake = useFakeKms(async (f) => {
    await f.addKey(RING, 'p384', { algorithm: 'EC_SIGN_P384_SHA384' });
    await f.addKey(RING, 'pss', { algorithm: 'RSA_SIGN_PSS_2048_SHA256' });
  });
  const provider = () => (opened ??= providerFor(fake()));
  let opened: ReturnType<typeof providerFor> | undefined;
  afterAll(() => opened?.close());

  const sign = (key = EC, digest: Uint8Array = createHash('sha384').update(randomBytes(8)).digest()) =>
    provider().sign({ key, algorithm: key === EC ? 'ecdsa-p384-sha384' : 'rsa-pss-sha256', digest });
  const verifies = async (signature: Uint8Array, digest: Uint8Array) => {
    const { publicKey } = await provider().getKey(EC);
    return verifyDigestSignature({ publicKey, algorithm: 'ecdsa-p384-sha384', digest, signature });
  };

  describe('on the way out', () => {
    it('sends the digest in its own field with its CRC32C as an int64 string', async () => {
      const digest = randomBytes(48);
      const from = fake().requests.length;
      await sign(EC, digest);
      const [request] = requestsSince(fake(), from, ':asymmetricSign');
      expect(JSON.parse(request!.body)).toEqual({
        digest: { sha384: digest.toString('base64') },
        digestCrc32c: String(crc32c(digest)),
      });
    });

    it.each<[Corruption, string]>([
      ['digestInTransit', 'Cloud KMS received another digest than we sent (its checksum error)'],
      ['dropDigestCrc32c', 'Cloud KMS did not verify the digest checksum (verifiedDigestCrc32c false)'],
    ])('retries when %s: %s', async (kind) => {
      fake().corrupt(kind, 1);
      const digest = randomBytes(48);
      const from = fake().requests.length;
      const signature = await sign(EC, digest);
      expect(requestsSince(fake(), from, ':asymmetricSign')).toHaveLength(2);
      expect(await verifies(signature, digest)).toBe(true);
    });
  });

  describe('on the way back', () => {
    it.each<[Corruption, string]>([
      ['signatureCrc32c', 'signatureCrc32c'],
      ['signature', 'signatureCrc32c'],
      ['signName', 'name'],
    ])('discards an answer with a damaged %s and asks again', async (kind) => {
      fake().corrupt(kind, 1);
      const digest = randomBytes(48);
      const from = fake().requests.length;
      const signature = await sign(EC, digest);
      expect(requestsSince(fake(), from, ':asymmetricSign')).toHaveLength(2);
      expect(await verifies(signature, digest)).toBe(true);
    });

    it.each<[Corruption, string]>([
      ['signature', 'signatureCrc32c'],
      ['signatureCrc32c', 'signatureCrc32c'],
      ['signName', 'name'],
      ['dropDigestCrc32c', 'verifiedDigestCrc32c'],
    ])('never returns a signature while %s stays damaged: UNAVAILABLE after every attempt', async (kind, field) => {
      fake().corrupt(kind, 1000);
      const from = fake().requests.length;
      try {
        const error = await sign().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isSignetError(error, 'UNAVAILABLE'), String(error)).toBe(true);
        expect((error as { details: Record<string, unknown> }).details.integrity).toBe(field);
        expect(requestsSince(fake(), from, ':asymmetricSign')).toHaveLength(5);
      } finally {
        fake().corrupt(kind, 0);
      }
    });

    it.each<Corruption>(['pemCrc32c', 'publicKeyName'])('discards a public key with a damaged %s', async (kind) => {
      const fresh = providerFor(fake());
      try {
        fake().corrupt(kind, 1);
        const from = fake().requests.length;
        const key = await fresh.getKey(PSS);
        expect(requestsSince(fake(), from, '/publicKey')).toHaveLength(2);
        expect(key.spec).toBe('rsa-2048');
        fake().corrupt(kind, 1000);
        const error = await providerFor(fake(), { retry: { attempts: 2 } })
          .getKey(PSS)
          .catch((e: unknown) => e);
        expect(isSignetError(error, 'UNAVAILABLE')).toBe(true);
      } finally {
        fake().corrupt(kind, 0);
        await fresh.close();
      }
    });
  });

  describe('and signs only with the algorithm of the key version', () => {
    it('refuses PKCS#1 on a PSS key version with ALGORITHM_KEY_MISMATCH, without asking Cloud KMS to sign', async () => {
      await provider().getKey(PSS);
      const from = fake().requests.length;
      const error = await provider()
        .sign({ key: PSS, algorithm: 'rsa-pkcs1-sha256', digest: randomBytes(32) })
        .catch((e: unknown) => e);
      expect(isSignetError(error, 'ALGORITHM_KEY_MISMATCH')).toBe(true);
      expect(fake().requests.length).toBe(from);
    });

    it('signs PSS with a salt as long as the digest', async () => {
      const digest = randomBytes(32);
      const signature = await sign(PSS, digest);
      const { publicKey } = await provider().getKey(PSS);
      expect(verifyDigestSignature({ publicKey, algorithm: 'rsa-pss-sha256', digest, signature })).toBe(true);
    });
  });
});
