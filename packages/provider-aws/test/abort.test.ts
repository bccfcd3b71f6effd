import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import { codeOf, openProvider } from './helpers.js';

describe('cancellation through AbortSignal', () => {
  let fake: FakeKms;
  let key: Awaited<ReturnType<FakeKms['addKey']>>;

  beforeAll(async () => {
    fake = await startFakeKms();
    key = await fake.addKey({ spec: 'ECC_NIST_P256', aliases: ['abort'] });
  });
  afterEach(() => {
    fake.faults.delay(0);
    fake.faults.throttle(0);
    fake.calls.length = 0;
  });
  afterAll(() => fake.close());

  const sign = (signal: AbortSignal, options = {}) =>
    openProvider(fake, options).sign({ key: key.uri, algorithm: 'ecdsa-p256-sha256', digest: randomBytes(32), signal });

  it('an aborted signal stops every call with ABORTED before any request', async () => {
    const kms = openProvider(fake);
    const signal = AbortSignal.abort();
    expect(await codeOf(sign(signal))).toBe('ABORTED');
    expect(await codeOf(kms.getKey(key.uri, { signal }))).toBe('ABORTED');
    expect(await codeOf(kms.listKeys({ signal }))).toBe('ABORTED');
    expect(await codeOf(kms.generateKey({ name: 'never', spec: 'ec-p256', signal }))).toBe('ABORTED');
    expect(fake.calls).toEqual([]);
  });

  it('an abort in flight cancels the HTTP request at once', async () => {
    fake.faults.delay(5_000);
    const started = Date.now();
    expect(await codeOf(sign(AbortSignal.timeout(50)))).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('an abort in flight cancels getKey and listKeys too', async () => {
    fake.faults.delay(5_000);
    const kms = openProvider(fake);
    const started = Date.now();
    expect(await codeOf(kms.getKey('awskms:///alias/abort', { signal: AbortSignal.timeout(50) }))).toBe('ABORTED');
    expect(await codeOf(kms.listKeys({ signal: AbortSignal.timeout(50) }))).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('an abort during a backoff ends the wait at once', async () => {
    fake.faults.throttle(Number.MAX_SAFE_INTEGER);
    const started = Date.now();
    const retry = { attempts: 10, baseDelayMs: 10_000, maxDelayMs: 10_000 };
    expect(await codeOf(sign(AbortSignal.timeout(100), { retry }))).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
