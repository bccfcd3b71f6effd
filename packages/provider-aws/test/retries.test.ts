import { randomBytes } from 'node:crypto';
import { verifyDigestSignature } from '@signet/sdk/formats/raw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import { codeOf, openProvider } from './helpers.js';

describe('retries', () => {
  let fake: FakeKms;
  let key: Awaited<ReturnType<FakeKms['addKey']>>;

  beforeAll(async () => {
    fake = await startFakeKms();
    key = await fake.addKey({ spec: 'ECC_NIST_P256' });
  });
  afterEach(() => {
    fake.faults.throttle(0);
    fake.faults.outage(0);
    fake.faults.deny(0);
    fake.calls.length = 0;
  });
  afterAll(() => fake.close());

  const signCalls = () => fake.calls.filter((c) => c.target === 'Sign').length;
  const sign = (options = {}) => {
    const digest = randomBytes(32);
    return openProvider(fake, options)
      .sign({ key: key.uri, algorithm: 'ecdsa-p256-sha256', digest })
      .then((signature) => ({ digest, signature }));
  };

  it('retries a throttled signature, then returns a valid one', async () => {
    fake.faults.throttle(2);
    const { digest, signature } = await sign();
    expect(
      verifyDigestSignature({ publicKey: key.publicKey!, algorithm: 'ecdsa-p256-sha256', digest, signature }),
    ).toBe(true);
    expect(signCalls()).toBe(3);
  });

  it('retries through a short outage', async () => {
    fake.faults.outage(2, 'dependency-timeout');
    await sign();
    expect(signCalls()).toBe(3);
  });

  it('does not retry AccessDeniedException', async () => {
    fake.faults.deny(1);
    expect(await codeOf(sign())).toBe('PERMISSION_DENIED');
    expect(signCalls()).toBe(1);
  });

  it('makes exactly `attempts` requests in all: the AWS SDK itself does not retry', async () => {
    fake.faults.throttle(Number.MAX_SAFE_INTEGER);
    expect(await codeOf(sign({ retry: { attempts: 3, baseDelayMs: 1 } }))).toBe('THROTTLED');
    expect(signCalls()).toBe(3);
    fake.calls.length = 0;
    fake.faults.throttle(0);
    fake.faults.outage(Number.MAX_SAFE_INTEGER, 'reset');
    expect(await codeOf(sign({ retry: { attempts: 2, baseDelayMs: 1 } }))).toBe('UNAVAILABLE');
    expect(signCalls()).toBe(2);
  });

  it('retries a throttled CreateKey, but never a CreateKey that may have run', async () => {
    const kms = openProvider(fake);
    fake.faults.throttle(2); // DescribeKey (is the alias free?), then CreateKey
    await kms.generateKey({ name: 'retried', spec: 'ec-p256' });
    expect(fake.calls.filter((c) => c.target === 'CreateKey').length).toBe(1);
    fake.calls.length = 0;
    // An internal error: KMS may have created the key anyway, so a retry could leave two.
    fake.faults.outage(1, 'internal', 'CreateKey');
    expect(await codeOf(kms.generateKey({ name: 'not-retried', spec: 'ec-p256' }))).toBe('UNAVAILABLE');
    expect(fake.calls.filter((c) => c.target === 'CreateKey').length).toBe(1);
  });
});
