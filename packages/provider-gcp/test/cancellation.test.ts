import { randomBytes } from 'node:crypto';
import { isSignetError } from '@signet/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { GcpKmsProvider } from '../src/index.js';
import { providerFor, requestsSince, RING, uriOf, useFakeKms } from './helpers.js';

const KEY = uriOf(`${RING}/cryptoKeys/app/cryptoKeyVersions/1`);
const digest = () => randomBytes(32);
const failure = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (e: unknown) => e,
  );

/** Waits until `condition` holds, polling (the fake sees a disconnect a moment after it happens). */
async function eventually(condition: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the Cloud KMS provider', () => {
  const fake = useFakeKms(async (f) => void (await f.addKey(RING, 'app', { algorithm: 'EC_SIGN_P256_SHA256' })));
  const opened: GcpKmsProvider[] = [];
  const open = (options: Parameters<typeof providerFor>[1] = {}) => {
    const provider = providerFor(fake(), options);
    opened.push(provider);
    return provider;
  };
  afterEach(async () => {
    fake().release();
    fake().throttle(0);
    await Promise.all(opened.splice(0).map((p) => p.close()));
  });

  describe('on abort', () => {
    it('cancels the request in flight and fails ABORTED at once', async () => {
      const provider = open();
      await provider.getKey(KEY);
      fake().hold();
      const controller = new AbortController();
      const disconnects = fake().disconnects;
      const signing = failure(
        provider.sign({ key: KEY, algorithm: 'ecdsa-p256-sha256', digest: digest(), signal: controller.signal }),
      );
      await fake().waitForHeld(1);
      const reason = new Error('user pressed ^C');
      controller.abort(reason);
      const error = await signing;
      expect(isSignetError(error, 'ABORTED')).toBe(true);
      expect((error as Error).cause).toBe(reason);
      await eventually(() => fake().disconnects > disconnects);
    });

    it('stops waiting between retries', async () => {
      const provider = open({ retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
      await provider.getKey(KEY);
      fake().throttle(1000);
      const started = Date.now();
      const error = await failure(
        provider.sign({ key: KEY, algorithm: 'ecdsa-p256-sha256', digest: digest(), signal: AbortSignal.timeout(300) }),
      );
      expect(isSignetError(error, 'ABORTED')).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it("leaves other callers' shared public key lookup running", async () => {
      const provider = open();
      fake().hold();
      const controller = new AbortController();
      const first = failure(provider.getKey(KEY, { signal: controller.signal }));
      const second = provider.getKey(KEY);
      await fake().waitForHeld(1);
      controller.abort();
      expect(isSignetError(await first, 'ABORTED')).toBe(true);
      fake().release();
      expect((await second).spec).toBe('ec-p256');
    });
  });

  it('cancels an attempt that exceeds timeoutMs, retries it, and fails UNAVAILABLE', async () => {
    const provider = open({ timeoutMs: 150, retry: { attempts: 2 } });
    await provider.getKey(KEY);
    fake().hold();
    const from = fake().requests.length;
    const disconnects = fake().disconnects;
    const error = await failure(provider.sign({ key: KEY, algorithm: 'ecdsa-p256-sha256', digest: digest() }));
    expect(isSignetError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details.status).toBe('DEADLINE_EXCEEDED');
    expect(requestsSince(fake(), from, ':asymmetricSign')).toHaveLength(2);
    await eventually(() => fake().disconnects >= disconnects + 2);
  });
});
