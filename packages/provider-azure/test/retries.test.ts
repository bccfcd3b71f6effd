import { randomBytes } from 'node:crypto';
import { isSignetError, type SignetError } from '@signet/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeVault, type FakeVault } from './fake-vault/fake-vault.js';
import { keyUri, openProvider } from './helpers/provider.js';

let vault: FakeVault;
beforeAll(async () => {
  vault = await startFakeVault();
  await vault.createKey('ec', 'ec-p256');
});
afterEach(() => {
  vault.reset();
  vi.restoreAllMocks();
});
afterAll(() => vault.close());

/** A provider that has already resolved `ec`, so each signature is one POST. */
async function warmProvider(options: Parameters<typeof openProvider>[1] = {}) {
  const { provider } = openProvider(vault, options);
  const sign = (signal?: AbortSignal) =>
    provider.sign({ key: keyUri(vault, 'ec'), algorithm: 'ecdsa-p256-sha256', digest: randomBytes(32), signal });
  await sign();
  return sign;
}

async function failure(call: Promise<unknown>): Promise<SignetError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSignetError(error)) throw new Error(`expected a SignetError, got ${String(error)}`);
  return error;
}

/** Sign requests the vault saw from `from` on. */
const posts = (from: number) => vault.requests.slice(from).filter((r) => r.method === 'POST').length;

describe('retries', () => {
  it('retry a throttled signature, once per 429: the Azure pipeline adds no retries of its own', async () => {
    const sign = await warmProvider();
    const from = vault.requests.length;
    vault.throttle(2);
    await sign();
    expect(posts(from)).toBe(3);
  });

  it('give up after the configured attempts with a retryable THROTTLED carrying Retry-After', async () => {
    const sign = await warmProvider();
    const from = vault.requests.length;
    vault.throttle(Number.MAX_SAFE_INTEGER);
    const error = await failure(sign());
    expect([error.code, error.retryable, error.details.retryAfterMs]).toEqual(['THROTTLED', true, 1000]);
    expect(posts(from)).toBe(4);
  });

  it('retry outages and dropped connections, and give up with UNAVAILABLE', async () => {
    const sign = await warmProvider();
    vault.outage(2);
    await sign();
    vault.dropConnections(2);
    await sign();
    const from = vault.requests.length;
    vault.outage(Number.MAX_SAFE_INTEGER);
    expect((await failure(sign())).code).toBe('UNAVAILABLE');
    expect(posts(from)).toBe(4);
  });

  it('never retry what will fail again: a refused permission or a missing key is asked once', async () => {
    const sign = await warmProvider();
    vault.deny('sign');
    let from = vault.requests.length;
    expect((await failure(sign())).code).toBe('PERMISSION_DENIED');
    expect(posts(from)).toBe(1);
    const { provider } = openProvider(vault);
    from = vault.requests.length;
    expect((await failure(provider.getKey(keyUri(vault, 'nope')))).code).toBe('KEY_NOT_FOUND');
    expect(vault.requests.slice(from).filter((r) => r.authorized).length).toBe(1);
  });

  it('wait at most requestTimeoutMs for one attempt, then count it UNAVAILABLE', async () => {
    const sign = await warmProvider({ requestTimeoutMs: 50, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    vault.delay(400);
    const started = Date.now();
    const error = await failure(sign());
    expect([error.code, error.details.reason]).toEqual(['UNAVAILABLE', 'timeout']);
    expect(Date.now() - started).toBeLessThan(400);
  });
});

describe('cancellation', () => {
  it('stops a signature in flight with ABORTED', async () => {
    const sign = await warmProvider();
    vault.delay(2000);
    const started = Date.now();
    const error = await failure(sign(AbortSignal.timeout(50)));
    expect(error.code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops the backoff between attempts with ABORTED', async () => {
    const sign = await warmProvider({ retry: { attempts: 3, baseDelayMs: 10_000, maxDelayMs: 10_000 } });
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    vault.throttle(Number.MAX_SAFE_INTEGER);
    const started = Date.now();
    const error = await failure(sign(AbortSignal.timeout(100)));
    expect(error.code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('lets one caller give up on a key being resolved while another, waiting for the same key, gets it', async () => {
    await vault.createKey('shared', 'ec-p256');
    const { provider } = openProvider(vault);
    vault.delay(300);
    const sign = (signal?: AbortSignal) =>
      provider.sign({ key: keyUri(vault, 'shared'), algorithm: 'ecdsa-p256-sha256', digest: randomBytes(32), signal });
    const [impatient, patient] = await Promise.allSettled([sign(AbortSignal.timeout(50)), sign()]);
    expect(impatient.status === 'rejected' && isSignetError(impatient.reason, 'ABORTED')).toBe(true);
    expect(patient.status).toBe('fulfilled');
  });
});
