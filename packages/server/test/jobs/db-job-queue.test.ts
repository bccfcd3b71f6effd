import { SignetError, type KeyProvider } from '@signet/sdk';
import { createMemoryApprovalStore, createSigningEngine } from '@signet/sdk/signing';
import { onTestFinished, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createDbIdempotencyStore } from '../../src/store/core/index.js';
import { createDbAuditLog } from '../../src/store/audit/index.js';
import { DIALECTS } from '../helpers/databases.js';
import { freshDatabase } from '../store/audit/fresh-database.js';
import { BOB, CAROL, keys, policy, queueOn, request, signaturesPerRequest } from './fixture.js';

describe.each(DIALECTS)('durable jobs on %s', (dialect) => {
  it("signs every job once, and a crashed worker's jobs are finished by another after its lease", async () => {
    const database = await freshDatabase(dialect);
    const soft = await keys();
    const hanging: KeyProvider = { ...soft, sign: () => new Promise<never>(() => undefined) };
    // The crashed worker has a connection of its own, closed at the crash: its lease heartbeats stop.
    const connection = await openDatabase({ url: database.url });
    // Idempotency in the database, as the server has it: a crashed attempt must not hold up the next.
    const crashed = await queueOn(connection, hanging, {
      workerId: 'crashed',
      concurrency: 10,
      leaseMs: 300,
      engineOptions: { providers: hanging, policy, idempotency: createDbIdempotencyStore(connection) },
    });
    crashed.start();
    const jobs = await Promise.all(Array.from({ length: 10 }, (_, n) => crashed.submit(request(n))));
    await new Promise((r) => setTimeout(r, 150));
    void crashed.stop(); // never resolves: its jobs hang, as in a kill -9; its timers stop
    await connection.close();
    const survivor = await queueOn(database, soft, {
      workerId: 'survivor',
      leaseMs: 300,
      engineOptions: { providers: soft, policy, idempotency: createDbIdempotencyStore(database) },
    });
    survivor.start();
    onTestFinished(() => survivor.stop());
    for (const job of jobs) await expect(survivor.result(job.id)).resolves.toMatchObject({ key: 'soft://dev' });
    const counts = await signaturesPerRequest(database);
    expect([...counts.values()]).toEqual(Array(10).fill(1));
  });

  it('retries THROTTLED with backoff, then succeeds', async () => {
    const database = await freshDatabase(dialect);
    const soft = await keys();
    let calls = 0;
    const flaky: KeyProvider = {
      ...soft,
      sign: (params) => (++calls <= 2 ? Promise.reject(new SignetError('THROTTLED', 'slow down')) : soft.sign(params)),
    };
    const queue = await queueOn(database, flaky, { workerId: 'w', backoff: () => 20 });
    queue.start();
    onTestFinished(() => queue.stop());
    const job = await queue.submit(request(1));
    await expect(queue.result(job.id)).resolves.toMatchObject({ rule: 'dev' });
    expect(calls).toBe(3);
    const row = await database.db
      .selectFrom('jobs')
      .select('attempts')
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(row.attempts).toBe(3);
  });

  it('waits for approvals given through another engine, and cancels', async () => {
    const database = await freshDatabase(dialect);
    const soft = await keys();
    const approvals = createMemoryApprovalStore(); // shared, as the database store is between replicas
    const queue = await queueOn(database, soft, {
      workerId: 'w',
      engineOptions: { providers: soft, policy, approvals },
    });
    queue.start();
    onTestFinished(() => queue.stop());
    const job = await queue.submit(request(7, 'soft://prod'));
    const other = await queue.submit(request(8, 'soft://prod'));
    await expect.poll(async () => (await queue.status(job.id)).state).toBe('awaiting-approval');
    await expect.poll(async () => (await queue.status(other.id)).state).toBe('awaiting-approval');
    await expect(queue.cancel(other.id)).resolves.toMatchObject({ state: 'cancelled' });
    await expect(queue.result(other.id)).rejects.toMatchObject({ code: 'CANCELLED' });
    const audit = await createDbAuditLog(database, { origin: 'test/audit' });
    const elsewhere = createSigningEngine({ providers: soft, policy, approvals, audit });
    await elsewhere.approve({ requestId: job.requestId!, approver: BOB, decision: 'approve' });
    await elsewhere.approve({ requestId: job.requestId!, approver: CAROL, decision: 'approve' });
    await expect(queue.result(job.id)).resolves.toMatchObject({ rule: 'prod' });
    await expect(queue.cancel(job.id)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const aborted = AbortSignal.abort();
    await expect(queue.result(other.id, { signal: aborted })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('two replicas on one PostgreSQL', () => {
  it('run 200 jobs: all done, each signed exactly once', async () => {
    const first = await freshDatabase('postgres');
    const second = await openDatabase({ url: first.url });
    onTestFinished(() => second.close());
    const soft = await keys();
    const a = await queueOn(first, soft, { workerId: 'a', concurrency: 8 });
    const b = await queueOn(second, soft, { workerId: 'b', concurrency: 8 });
    a.start();
    b.start();
    onTestFinished(async () => void (await Promise.all([a.stop(), b.stop()])));
    const jobs = await Promise.all(Array.from({ length: 200 }, (_, n) => (n % 2 ? a : b).submit(request(n))));
    const results = await Promise.all(jobs.map((job, n) => (n % 2 ? b : a).result(job.id)));
    expect(results).toHaveLength(200);
    const counts = await signaturesPerRequest(first);
    expect(counts.size).toBe(200);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    const owners = await first.db.selectFrom('jobs').select('state').where('state', '!=', 'done').execute();
    expect(owners).toEqual([]);
  });
});
