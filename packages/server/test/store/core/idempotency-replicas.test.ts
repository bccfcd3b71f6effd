import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { IdempotencyClaim } from '@signet/sdk/signing';
import { createDbIdempotencyStore } from '../../../src/store/core/index.js';
import { openDatabase } from '../../../src/store/database.js';
import { DIALECTS, freshDatabase } from '../../helpers/databases.js';
import { result } from './fixtures.js';

const count = (claims: IdempotencyClaim[], state: IdempotencyClaim['state']) =>
  claims.filter((c) => c.state === state).length;

describe.each(DIALECTS)('idempotency keys shared by two replicas on %s', async (dialect) => {
  // Two handles on one database stand for two server processes: nothing is shared but the rows.
  const first = await freshDatabase(dialect);
  const second = await openDatabase({ url: first.url, ...(first.schema ? { schema: first.schema } : {}) });
  afterAll(() => second.close());
  const replicas = (options = {}) =>
    [first, second].map((database) => createDbIdempotencyStore(database, { pollIntervalMs: 10, ...options }));

  it('gives a key to exactly one of 20 concurrent claims; the others wait for its result', async () => {
    const stores = replicas();
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.claim('release-1', 'fp')));
    expect(count(claims, 'new')).toBe(1);
    expect(count(claims, 'in-progress')).toBe(19);
    await stores[claims.findIndex((c) => c.state === 'new') % 2]!.complete('release-1', result('fp'));
    await Promise.all(claims.map((c) => (c.state === 'in-progress' ? c.settled : undefined)));
    for (const store of stores)
      expect(await store.claim('release-1', 'fp')).toStrictEqual({ state: 'done', result: result('fp') });
  });

  it('gives a key to one of 20 different requests and refuses the rest', async () => {
    const stores = replicas();
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.claim('release-2', `fp${i}`)));
    expect(count(claims, 'new')).toBe(1);
    expect(count(claims, 'conflict')).toBe(19);
  });

  it('lets a waiter take over a claim whose replica crashed, once it is stale', async () => {
    const [crashed, survivor] = replicas({ staleAfterMs: 150 });
    expect(await crashed!.claim('release-3', 'fp')).toStrictEqual({ state: 'new' });
    const waiting = await survivor!.claim('release-3', 'fp');
    if (waiting.state !== 'in-progress') throw new Error(`expected in-progress, got ${waiting.state}`);
    await waiting.settled; // resolves when the claim turns stale, since no one will complete it
    const takeovers = await Promise.all(Array.from({ length: 6 }, () => survivor!.claim('release-3', 'fp')));
    expect(count(takeovers, 'new')).toBe(1);
    expect(count(takeovers, 'in-progress')).toBe(5);
  });

  it('does not take over a claim that is merely slow', async () => {
    const [slow, other] = replicas({ staleAfterMs: 10_000 });
    await slow!.claim('release-4', 'fp');
    await delay(100);
    expect((await other!.claim('release-4', 'fp')).state).toBe('in-progress');
    expect((await other!.claim('release-4', 'fp2')).state).toBe('conflict');
  });
});
