import { setTimeout as delay } from 'node:timers/promises';
import type { KeyProvider } from '@signet/sdk';
import { describe, expect, it, onTestFinished } from 'vitest';
import { claimJobs, extendLease } from '../../src/jobs/claim.js';
import { startLeaseHeartbeat } from '../../src/jobs/lease-heartbeat.js';
import { DIALECTS } from '../helpers/databases.js';
import { freshDatabase } from '../store/audit/fresh-database.js';
import { keys, queueOn, request, signaturesPerRequest } from './fixture.js';

const LEASE_MS = 200;

describe.each(DIALECTS)('the lease heartbeat on %s', (dialect) => {
  it('keeps the claim of a signing slower than the lease: no other worker takes the job over', async () => {
    const database = await freshDatabase(dialect);
    const soft = await keys();
    let calls = 0;
    const slow: KeyProvider = {
      ...soft,
      sign: async (params) => (calls++, await delay(4 * LEASE_MS), soft.sign(params)),
    };
    const first = await queueOn(database, slow, { workerId: 'first', leaseMs: LEASE_MS });
    const second = await queueOn(database, slow, { workerId: 'second', leaseMs: LEASE_MS });
    onTestFinished(async () => void (await Promise.all([first.stop(), second.stop()])));
    first.start();
    const job = await first.submit(request(1));
    await expect.poll(async () => (await first.status(job.id)).state).toBe('running');
    second.start();
    await expect(second.result(job.id)).resolves.toMatchObject({ key: 'soft://dev' });
    const row = await database.db.selectFrom('jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(row.attempts).toBe(1);
    expect(calls).toBe(1);
    expect([...(await signaturesPerRequest(database)).values()]).toEqual([1]);
  });

  it('is fenced by owner and attempt: a worker that lost its claim neither renews it nor keeps signing', async () => {
    const database = await freshDatabase(dialect);
    const queue = await queueOn(database, await keys(), { workerId: 'submitter' }); // not started: nobody claims
    const { id } = await queue.submit(request(2));
    const [mine] = await claimJobs(database, 'late', 1, 50);
    expect(await extendLease(database, mine!, 'late', 50)).toBe(true);
    await delay(100);
    const [theirs] = await claimJobs(database, 'other', 1, 60_000);
    expect(theirs).toMatchObject({ id, lease_owner: 'other', attempts: 2 });
    expect(await extendLease(database, mine!, 'late', 60_000)).toBe(false);
    expect(await extendLease(database, { id, attempts: 2 }, 'late', 60_000)).toBe(false);
    const heartbeat = startLeaseHeartbeat(database, mine!, 'late', 30);
    onTestFinished(heartbeat.stop);
    await expect.poll(() => heartbeat.signal.aborted, { timeout: 2000 }).toBe(true);
    const row = await database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'running', lease_owner: 'other', attempts: 2 });
    expect(Number(row.lease_until)).toBe(Number(theirs!.lease_until));
    expect(await extendLease(database, theirs!, 'other', 60_000)).toBe(true);
  });
});
