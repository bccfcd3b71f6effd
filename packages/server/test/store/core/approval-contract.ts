import { expect, it } from 'vitest';
import { requestFingerprint, type ApprovalStore } from '@signet/sdk/signing';
import { approval, at, pendingDecision, request } from './fixtures.js';

/*
 * One behaviour per store interface, run on the SDK's memory stores (the reference) and on the
 * database stores of both dialects: a database store passes only where it behaves like memory.
 * `make` returns an empty store each time.
 */

/** The `ApprovalStore` contract. */
export function approvalStoreContract(make: () => Promise<ApprovalStore>): void {
  const pending = (name: string, ms: number, byte = 1) => {
    const req = request(name, byte);
    return {
      id: requestFingerprint(req),
      request: req,
      decision: pendingDecision(at(ms + 3_600_000)),
      createdAt: at(ms),
    };
  };

  it('returns a pending request exactly as put, and nothing for an unknown id', async () => {
    const store = await make();
    const p = pending('a.jar', 0);
    await store.putPending(p);
    expect(await store.getPending(p.id)).toStrictEqual(p);
    expect(await store.getPending('f'.repeat(64))).toBeUndefined();
  });

  it('refreshes the decision of a request put again, and lists requests oldest first', async () => {
    const store = await make();
    const [a, b, c] = [pending('a', 0, 1), pending('b', 10, 2), pending('c', 20, 3)];
    for (const p of [a, b, c]) await store.putPending(p);
    const refreshed = { ...b, decision: pendingDecision() };
    await store.putPending(refreshed);
    expect(await store.getPending(b.id)).toStrictEqual(refreshed);
    expect(await store.listPending()).toStrictEqual([a, refreshed, c]);
  });

  it('returns approvals for one fingerprint only, in the order given, comments kept', async () => {
    const store = await make();
    const [x, y] = [request('x', 1), request('y', 2)];
    const given = [approval(x, 'carol', 5, 'ok'), approval(y, 'dave', 1), approval(x, 'erin', 2)];
    for (const r of given) await store.addApproval(r);
    expect(await store.approvals(requestFingerprint(x))).toStrictEqual([given[0], given[2]]);
    expect(await store.approvals('0'.repeat(64))).toStrictEqual([]);
  });

  it('settles a request: it leaves the list and its approvals are consumed; others stay', async () => {
    const store = await make();
    const [a, b] = [pending('a', 0, 1), pending('b', 1, 2)];
    await store.putPending(a);
    await store.putPending(b);
    await store.addApproval(approval(a.request, 'carol', 1));
    await store.addApproval(approval(b.request, 'carol', 2));
    await store.settle(a.id, 'signed');
    await store.settle('unknown', 'signed'); // settling twice or an unknown id is harmless
    expect(await store.getPending(a.id)).toBeUndefined();
    expect(await store.approvals(a.id)).toStrictEqual([]);
    expect(await store.listPending()).toStrictEqual([b]);
    expect(await store.approvals(b.id)).toHaveLength(1);
  });

  it('settles a denied request: it leaves the list, and its approvals (the denial) stay', async () => {
    const store = await make();
    const a = pending('a', 0, 1);
    await store.putPending(a);
    await store.addApproval({ ...approval(a.request, 'carol', 1), decision: 'deny' });
    await store.settle(a.id, 'denied');
    expect(await store.getPending(a.id)).toBeUndefined();
    expect((await store.approvals(a.id)).map((r) => r.decision)).toStrictEqual(['deny']);
  });
}
