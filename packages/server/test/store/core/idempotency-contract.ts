import { setTimeout as delay } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { IdempotencyStore } from '@signet/sdk/signing';
import { result } from './fixtures.js';

/*
 * One behaviour per store interface, run on the SDK's memory stores (the reference) and on the
 * database stores of both dialects: a database store passes only where it behaves like memory.
 * `make` returns an empty store each time.
 */

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), delay(ms).then(() => false)]);
}

/** The `IdempotencyStore` contract. `waitMs` bounds how long a waiter may take to notice. */
export function idempotencyStoreContract(make: () => Promise<IdempotencyStore>, waitMs = 2_000): void {
  it('gives a new key to the first claim; the same request meanwhile waits, another conflicts', async () => {
    const store = await make();
    expect(await store.claim('k', 'fp1')).toStrictEqual({ state: 'new' });
    const second = await store.claim('k', 'fp1');
    expect(second.state).toBe('in-progress');
    expect(await store.claim('k', 'fp2')).toStrictEqual({ state: 'conflict' });
    expect(await store.claim('other', 'fp2')).toStrictEqual({ state: 'new' });
  });

  it('returns the stored result once done, and wakes whoever waited', async () => {
    const store = await make();
    await store.claim('k', 'fp1');
    const waiting = await store.claim('k', 'fp1');
    if (waiting.state !== 'in-progress') throw new Error(`expected in-progress, got ${waiting.state}`);
    expect(await settlesWithin(waiting.settled, 60)).toBe(false);
    await store.complete('k', result('fp1'));
    expect(await settlesWithin(waiting.settled, waitMs)).toBe(true);
    expect(await store.claim('k', 'fp1')).toStrictEqual({ state: 'done', result: result('fp1') });
    expect(await store.claim('k', 'fp2')).toStrictEqual({ state: 'conflict' });
  });

  it('frees a released key for any request, waking whoever waited', async () => {
    const store = await make();
    await store.claim('k', 'fp1');
    const waiting = await store.claim('k', 'fp1');
    if (waiting.state !== 'in-progress') throw new Error(`expected in-progress, got ${waiting.state}`);
    await store.release('k');
    expect(await settlesWithin(waiting.settled, waitMs)).toBe(true);
    expect(await store.claim('k', 'fp2')).toStrictEqual({ state: 'new' });
  });

  it('ignores completing or releasing a key never claimed', async () => {
    const store = await make();
    await store.complete('ghost', result('fp1'));
    await store.release('ghost');
    expect(await store.claim('ghost', 'fp1')).toStrictEqual({ state: 'new' });
  });
}
