import { describe, expect, it, onTestFinished } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { freshDatabase } from '../store/audit/fresh-database.js';
import { keys, queueOn, request, signaturesPerRequest } from './fixture.js';

describe.each(DIALECTS)('submitting a job on %s', (dialect) => {
  it('again with the same idempotency key returns the same job, which is signed once', async () => {
    const database = await freshDatabase(dialect);
    const queue = await queueOn(database, await keys(), { workerId: 'w' });
    queue.start();
    onTestFinished(() => queue.stop());
    const submit = () => queue.submit({ ...request(1), idempotencyKey: 'release-1.0' });
    const [first, again] = await Promise.all([submit(), submit()]);
    expect(again!.id).toBe(first!.id);
    await queue.result(first!.id);
    expect((await submit()).id).toBe(first!.id);
    expect(await database.db.selectFrom('jobs').select('id').execute()).toEqual([{ id: first!.id }]);
    expect([...(await signaturesPerRequest(database)).values()]).toEqual([1]);
  });

  it('refuses the same idempotency key for another request, and keys nothing without one', async () => {
    const database = await freshDatabase(dialect);
    const queue = await queueOn(database, await keys(), { workerId: 'w' }); // not started: jobs stay queued
    await queue.submit({ ...request(1), idempotencyKey: 'release-1.0' });
    await expect(queue.submit({ ...request(2), idempotencyKey: 'release-1.0' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
    });
    const [a, b] = [await queue.submit(request(3)), await queue.submit(request(3))];
    expect(a.id).not.toBe(b.id);
  });
});
