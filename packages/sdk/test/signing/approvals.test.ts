import { describe, expect, it } from 'vitest';
import { isSignetError } from '../../src/index.js';
import { createMemoryJobQueue } from '../../src/signing/index.js';
import { ALICE, BOB, CAROL, createFixture, MALLORY, request } from './fixture.js';

const prod = (fill = 5) =>
  request({ key: 'soft://prod', items: [{ digest: new Uint8Array(32).fill(fill), artifact: { name: 'app.jar' } }] });

async function pendingId(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSignetError(error, 'APPROVAL_REQUIRED')) throw new Error(`expected APPROVAL_REQUIRED, got ${String(error)}`);
  return String(error.details.requestId);
}

describe('an approval flow', () => {
  it('goes pending, refuses self-approval and non-approvers, signs after two approvals', async () => {
    const { engine, provider, audit } = await createFixture();
    const id = await pendingId(engine.sign(prod()));
    expect((await engine.pending()).map((p) => p.id)).toEqual([id]);

    await expect(engine.approve({ requestId: id, approver: ALICE, decision: 'approve' })).rejects.toSatisfy((e) =>
      isSignetError(e, 'SELF_APPROVAL'),
    );
    await expect(engine.approve({ requestId: id, approver: MALLORY, decision: 'approve' })).rejects.toSatisfy((e) =>
      isSignetError(e, 'NOT_AN_APPROVER'),
    );
    expect((await engine.approve({ requestId: id, approver: BOB, decision: 'approve' })).effect).toBe('pending');
    expect((await engine.approve({ requestId: id, approver: CAROL, decision: 'approve' })).effect).toBe('allow');

    const result = await engine.sign(prod());
    expect(result.rule).toBe('prod');
    expect(provider.signCalls).toBe(1);
    const types = (await audit.read(0, await audit.size())).map((r) => r.type);
    expect(types).toEqual(['decision', 'approval', 'approval', 'decision', 'signature']);
  });

  it('never lets an approval for one request authorise another', async () => {
    const { engine, provider } = await createFixture();
    const id = await pendingId(engine.sign(prod(5)));
    await engine.approve({ requestId: id, approver: BOB, decision: 'approve' });
    await engine.approve({ requestId: id, approver: CAROL, decision: 'approve' });
    await pendingId(engine.sign(prod(6))); // another digest: another request
    expect(provider.signCalls).toBe(0);
  });

  it('consumes approvals: the same request signed again needs new approvals', async () => {
    const { engine } = await createFixture();
    const id = await pendingId(engine.sign(prod()));
    await engine.approve({ requestId: id, approver: BOB, decision: 'approve' });
    await engine.approve({ requestId: id, approver: CAROL, decision: 'approve' });
    await engine.sign(prod());
    expect(await pendingId(engine.sign(prod()))).toBe(id);
  });

  it('ends the request on one denial', async () => {
    const { engine } = await createFixture();
    const id = await pendingId(engine.sign(prod()));
    expect(
      (await engine.approve({ requestId: id, approver: BOB, decision: 'deny', comment: 'not this build' })).effect,
    ).toBe('deny');
    await expect(engine.approve({ requestId: id, approver: CAROL, decision: 'approve' })).rejects.toSatisfy((e) =>
      isSignetError(e, 'NOT_FOUND'),
    );
  });

  it('takes the same approval twice as once: counted once, recorded once', async () => {
    const { engine, audit } = await createFixture();
    const id = await pendingId(engine.sign(prod()));
    await engine.approve({ requestId: id, approver: BOB, decision: 'approve' });
    const size = await audit.size();
    const again = await engine.approve({ requestId: id, approver: BOB, decision: 'approve' });
    expect(again).toMatchObject({ effect: 'pending', missing: [{ role: 'security', remaining: 1 }] });
    expect(await audit.size()).toBe(size);
  });

  it('remembers a denial: the same request asked again is refused, naming who denied it', async () => {
    const { engine } = await createFixture();
    const id = await pendingId(engine.sign(prod()));
    await engine.approve({ requestId: id, approver: BOB, decision: 'deny', comment: 'not this build' });
    await expect(engine.sign(prod())).rejects.toSatisfy(
      (e) =>
        isSignetError(e, 'POLICY_DENIED') &&
        JSON.stringify(e.details.reasons).includes('bob@acme.com') &&
        e.details.requestId === id,
    );
    expect(await engine.pending()).toEqual([]);
  });

  it('lets approvals expire', async () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const { engine } = await createFixture({ clock: () => now });
    const id = await pendingId(engine.sign(prod()));
    await engine.approve({ requestId: id, approver: BOB, decision: 'approve' });
    now = new Date(now.getTime() + 2 * 3_600_000); // past the rule's 1h expiry
    const decision = await engine.approve({ requestId: id, approver: CAROL, decision: 'approve' });
    expect(decision.effect).toBe('pending');
  });

  describe('through the job queue', () => {
    it('waits for approval, then signs and delivers the result', async () => {
      const { engine } = await createFixture();
      const jobs = createMemoryJobQueue(engine);
      const job = await jobs.submit(prod());
      await expect.poll(async () => (await jobs.status(job.id)).state).toBe('awaiting-approval');
      const { requestId } = await jobs.status(job.id);
      await engine.approve({ requestId: requestId!, approver: BOB, decision: 'approve' });
      await engine.approve({ requestId: requestId!, approver: CAROL, decision: 'approve' });
      const result = await jobs.result(job.id);
      expect(result.requestId).toBe(requestId);
      expect((await jobs.status(job.id)).state).toBe('done');
    });

    it('cancels a job waiting for approval', async () => {
      const { engine } = await createFixture();
      const jobs = createMemoryJobQueue(engine);
      const job = await jobs.submit(prod(9));
      await expect.poll(async () => (await jobs.status(job.id)).state).toBe('awaiting-approval');
      expect((await jobs.cancel(job.id)).state).toBe('cancelled');
      await expect(jobs.result(job.id)).rejects.toSatisfy((e) => isSignetError(e, 'CANCELLED'));
    });

    it('runs allowed jobs straight through, and reports failures with their code', async () => {
      const { engine } = await createFixture();
      const jobs = createMemoryJobQueue(engine);
      const ok = await jobs.submit(request());
      const bad = await jobs.submit(request({ items: [{ digest: new Uint8Array(32), artifact: { name: 'a.sh' } }] }));
      expect((await jobs.result(ok.id)).signatures).toHaveLength(1);
      await expect(jobs.result(bad.id)).rejects.toSatisfy((e) => isSignetError(e, 'POLICY_DENIED'));
      expect((await jobs.status(bad.id)).error?.code).toBe('POLICY_DENIED');
    });
  });
});
