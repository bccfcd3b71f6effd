import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { getAlgorithm, type SignatureAlgorithmId } from '@signet/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKms, type FakeKms, type OutageKind } from './fake-kms.js';
import { codeOf, failure, openProvider } from './helpers.js';

const digest = () => randomBytes(32);

describe('KMS errors become typed Signet errors', () => {
  let fake: FakeKms;
  let ec: Awaited<ReturnType<FakeKms['addKey']>>;
  let encryptOnly: Awaited<ReturnType<FakeKms['addKey']>>;
  let disabled: Awaited<ReturnType<FakeKms['addKey']>>;

  beforeAll(async () => {
    fake = await startFakeKms();
    ec = await fake.addKey({ spec: 'ECC_NIST_P256', aliases: ['ec'] });
    encryptOnly = await fake.addKey({ spec: 'RSA_2048', usage: 'ENCRYPT_DECRYPT' });
    disabled = await fake.addKey({ spec: 'ECC_NIST_P256', state: 'Disabled' });
  });
  afterEach(() => {
    fake.faults.throttle(0);
    fake.faults.outage(0);
    fake.faults.deny(0);
    fake.faults.delay(0);
  });
  afterAll(() => fake.close());

  const sign = (uri: string, algorithm: SignatureAlgorithmId = 'ecdsa-p256-sha256', options = {}) =>
    openProvider(fake, options).sign({
      key: uri,
      algorithm,
      digest: randomBytes(getAlgorithm(algorithm).digestLength),
    });

  describe('not found', () => {
    it('an unknown key id, alias or ARN is KEY_NOT_FOUND', async () => {
      expect(await codeOf(sign('awskms:///00000000-0000-4000-8000-000000000000'))).toBe('KEY_NOT_FOUND');
      expect(await codeOf(sign('awskms:///alias/none'))).toBe('KEY_NOT_FOUND');
      expect(await codeOf(sign(`awskms:///arn:aws:kms:us-east-1:999999999999:key/${ec.id}`))).toBe('KEY_NOT_FOUND');
    });

    it('a disabled key, or one pending deletion, is KEY_NOT_FOUND and not retried', async () => {
      fake.calls.length = 0;
      const error = await failure(sign(disabled.uri));
      expect(error.code).toBe('KEY_NOT_FOUND');
      expect(error.details.awsError).toBe('DisabledException');
      expect(fake.calls.length).toBe(1);
      const doomed = await fake.addKey({ spec: 'ECC_NIST_P256', state: 'PendingDeletion' });
      expect(await codeOf(sign(doomed.uri))).toBe('KEY_NOT_FOUND');
    });
  });

  describe('permission', () => {
    it('AccessDeniedException is PERMISSION_DENIED, keeps the AWS error as cause, and is not retried', async () => {
      fake.calls.length = 0;
      fake.faults.deny(1);
      const error = await failure(sign(ec.uri));
      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.retryable).toBe(false);
      expect((error.cause as Error).name).toBe('AccessDeniedException');
      expect(error.details).toMatchObject({ operation: 'Sign', key: ec.uri, awsError: 'AccessDeniedException' });
      expect(fake.calls.length).toBe(1);
    });

    it('a wrong secret or an unknown access key (SigV4 refused) is PERMISSION_DENIED', async () => {
      const wrongSecret = { ...fake.credentials, secretAccessKey: 'not-the-secret' };
      expect(await codeOf(sign(ec.uri, undefined, { credentials: wrongSecret }))).toBe('PERMISSION_DENIED');
      const unknown = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' };
      expect(await codeOf(sign(ec.uri, undefined, { credentials: unknown }))).toBe('PERMISSION_DENIED');
    });
  });

  describe('wrong algorithm for the key', () => {
    it('KMS refusing an algorithm of another key type (InvalidKeyUsageException) is ALGORITHM_KEY_MISMATCH', async () => {
      // A new provider has not described the key, so the refusal comes from KMS itself.
      fake.calls.length = 0;
      expect(await codeOf(sign(ec.uri, 'rsa-pss-sha256'))).toBe('ALGORITHM_KEY_MISMATCH');
      expect(await codeOf(sign('awskms:///alias/ec', 'ecdsa-p384-sha384'))).toBe('ALGORITHM_KEY_MISMATCH');
      expect(fake.calls.filter((c) => c.target === 'Sign').length).toBe(2);
    });

    it('a key that only encrypts is ALGORITHM_KEY_MISMATCH', async () => {
      expect(await codeOf(sign(encryptOnly.uri, 'rsa-pkcs1-sha256'))).toBe('ALGORITHM_KEY_MISMATCH');
    });

    it('a key described before is refused without calling KMS', async () => {
      const kms = openProvider(fake);
      await kms.getKey(ec.uri);
      fake.calls.length = 0;
      expect(await codeOf(kms.sign({ key: ec.uri, algorithm: 'rsa-pss-sha256', digest: digest() }))).toBe(
        'ALGORITHM_KEY_MISMATCH',
      );
      expect(fake.calls).toEqual([]);
    });
  });

  describe('throttled', () => {
    it('ThrottlingException is THROTTLED and retryable', async () => {
      fake.faults.throttle(Number.MAX_SAFE_INTEGER);
      const error = await failure(sign(ec.uri, undefined, { retry: { attempts: 1 } }));
      expect(error.code).toBe('THROTTLED');
      expect(error.retryable).toBe(true);
    });
  });

  describe('unavailable', () => {
    const kinds: OutageKind[] = ['internal', 'dependency-timeout', 'key-unavailable', 'html-503', 'reset'];
    for (const kind of kinds) {
      it(`an outage (${kind}) is UNAVAILABLE and retryable`, async () => {
        fake.faults.outage(Number.MAX_SAFE_INTEGER, kind);
        const error = await failure(sign(ec.uri, undefined, { retry: { attempts: 1 } }));
        expect(error.code).toBe('UNAVAILABLE');
        expect(error.retryable).toBe(true);
      });
    }

    it('a refused connection is UNAVAILABLE', async () => {
      const port = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      });
      expect(
        await codeOf(sign(ec.uri, undefined, { endpoint: `http://127.0.0.1:${port}`, retry: { attempts: 1 } })),
      ).toBe('UNAVAILABLE');
    });

    it('a request slower than requestTimeoutMs is UNAVAILABLE', async () => {
      fake.faults.delay(5_000);
      const started = Date.now();
      expect(await codeOf(sign(ec.uri, undefined, { requestTimeoutMs: 100, retry: { attempts: 1 } }))).toBe(
        'UNAVAILABLE',
      );
      expect(Date.now() - started).toBeLessThan(3_000);
    });
  });

  describe('refused before any call', () => {
    it('malformed URIs are INVALID_KEY_URI', async () => {
      fake.calls.length = 0;
      for (const uri of [
        'awskms://us-east-1/alias/x',
        'awskms:///',
        'awskms:///key/abc',
        'gcpkms://x',
        'awskms:///alias/',
      ]) {
        expect(await codeOf(sign(uri))).toBe('INVALID_KEY_URI');
      }
      expect(fake.calls).toEqual([]);
    });

    it('a digest of the wrong length is DIGEST_LENGTH_MISMATCH; an unknown algorithm UNSUPPORTED_ALGORITHM', async () => {
      const kms = openProvider(fake);
      const call = (algorithm: string, bytes: number) =>
        kms.sign({ key: ec.uri, algorithm: algorithm as never, digest: new Uint8Array(bytes) });
      expect(await codeOf(call('ecdsa-p256-sha256', 31))).toBe('DIGEST_LENGTH_MISMATCH');
      expect(await codeOf(call('ecdsa-p256-sha1', 20))).toBe('UNSUPPORTED_ALGORITHM');
    });

    it('a closed provider refuses every call with PROVIDER_CLOSED', async () => {
      const kms = openProvider(fake);
      await kms.close();
      await kms.close();
      expect(await codeOf(kms.getKey(ec.uri))).toBe('PROVIDER_CLOSED');
      expect(await codeOf(kms.listKeys())).toBe('PROVIDER_CLOSED');
      expect(await codeOf(kms.sign({ key: ec.uri, algorithm: 'ecdsa-p256-sha256', digest: digest() }))).toBe(
        'PROVIDER_CLOSED',
      );
    });
  });
});
