import { expect, it } from 'vitest';
import type { UsageStore } from '@signet/sdk/signing';
import { at } from './fixtures.js';

/*
 * One behaviour per store interface, run on the SDK's memory stores (the reference) and on the
 * database stores of both dialects: a database store passes only where it behaves like memory.
 * `make` returns an empty store each time.
 */

/** The `UsageStore` contract. */
export function usageStoreContract(make: () => Promise<UsageStore>): void {
  const entry = (ms: number, count = 1, over: Partial<{ key: string; principal: string; rule: string }> = {}) => ({
    key: 'soft://a',
    principal: 'idp|alice',
    rule: 'release',
    at: at(ms),
    count,
    ...over,
  });

  it('counts nothing when nothing was recorded', async () => {
    expect(await (await make()).count({ since: at(-1e9) })).toBe(0);
  });

  it('sums counts from since (inclusive) to until (exclusive)', async () => {
    const usage = await make();
    for (const [ms, n] of [
      [-1, 100],
      [0, 1],
      [500, 2],
      [999, 4],
      [1000, 200],
    ] as const)
      await usage.record(entry(ms, n));
    expect(await usage.count({ since: at(0), until: at(1000) })).toBe(7);
  });

  it('has no upper bound when until is absent, even for times ahead of now', async () => {
    const usage = await make();
    await usage.record(entry(0, 1));
    await usage.record({ ...entry(0, 5), at: new Date(Date.now() + 365 * 86_400_000) });
    expect(await usage.count({ since: at(0) })).toBe(6);
  });

  it('filters by key, principal and rule, alone or together; an empty filter counts all', async () => {
    const usage = await make();
    await usage.record(entry(0, 1));
    await usage.record(entry(1, 2, { key: 'soft://b' }));
    await usage.record(entry(2, 4, { principal: 'idp|bob' }));
    await usage.record(entry(3, 8, { rule: 'nightly', key: 'soft://b' }));
    const since = at(0);
    expect(await usage.count({ since, key: 'soft://b' })).toBe(10);
    expect(await usage.count({ since, principal: 'idp|bob' })).toBe(4);
    expect(await usage.count({ since, rule: 'release' })).toBe(7);
    expect(await usage.count({ since, key: 'soft://b', rule: 'release' })).toBe(2);
    expect(await usage.count({ since, key: 'soft://a', principal: 'idp|alice', rule: 'release' })).toBe(1);
    expect(await usage.count({ since, key: '', principal: '' })).toBe(15);
  });
}
