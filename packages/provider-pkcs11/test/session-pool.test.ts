import { isSignetError } from '@signet/sdk';
import { describe, expect, it } from 'vitest';
import { SessionPool } from '../src/session-pool.js';

function fakePool(size: number) {
  let next = 1;
  const closed: number[] = [];
  const pool = new SessionPool<number>({ size, open: () => next++, close: (s) => closed.push(s) });
  return { pool, closed };
}

describe('the session pool', () => {
  it('opens sessions lazily, up to its size, and lends each to one caller at a time', async () => {
    const { pool } = fakePool(2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect([a.session, b.session]).toEqual([1, 2]);
    let third: number | undefined;
    const waiting = pool.acquire().then((l) => (third = l.session));
    await Promise.resolve();
    expect(third).toBeUndefined();
    pool.release(a);
    await waiting;
    expect(third).toBe(1);
    expect(pool.openSessions).toBe(2);
  });

  it('serves waiters first come, first served', async () => {
    const { pool } = fakePool(1);
    const first = await pool.acquire();
    const order: string[] = [];
    const waits = ['x', 'y', 'z'].map((n) => pool.acquire().then((l) => (order.push(n), pool.release(l))));
    pool.release(first);
    await Promise.all(waits);
    expect(order).toEqual(['x', 'y', 'z']);
  });

  it('lets an aborted waiter leave the queue at once with ABORTED', async () => {
    const { pool } = fakePool(1);
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    const after = pool.acquire();
    controller.abort();
    await expect(waiting).rejects.toSatisfy((e) => isSignetError(e, 'ABORTED'));
    pool.release(held);
    expect((await after).session).toBe(held.session);
    await expect(pool.acquire(AbortSignal.abort())).rejects.toSatisfy((e) => isSignetError(e, 'ABORTED'));
  });

  it('after a reset, drops old sessions and gives waiters new ones', async () => {
    const { pool, closed } = fakePool(2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    pool.release(b);
    const waiting = pool.acquire();
    const c = await waiting; // gets b back
    expect(c.session).toBe(2);
    const w2 = pool.acquire();
    pool.reset(false);
    expect((await w2).session).toBe(3); // a fresh session while old ones are still lent
    pool.release(a);
    pool.release(c);
    expect(closed).toEqual([1, 2]);
    expect(pool.openSessions).toBe(1);
  });

  it('does not close sessions of a finalized module, whose handle numbers may be reused', async () => {
    const { pool, closed } = fakePool(2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    pool.release(b);
    pool.reset(true);
    pool.release(a);
    expect(closed).toEqual([]);
    const fresh = await pool.acquire();
    pool.reset(false);
    pool.release(fresh);
    expect(closed).toEqual([fresh.session]);
  });

  it('passes an error opening a session to the borrower, and keeps its place free', async () => {
    let fail = true;
    const pool = new SessionPool<number>({
      size: 1,
      open: () => {
        if (fail) throw new Error('CKR_SESSION_COUNT');
        return 7;
      },
      close: () => undefined,
    });
    await expect(pool.acquire()).rejects.toThrow('CKR_SESSION_COUNT');
    fail = false;
    expect((await pool.acquire()).session).toBe(7);
  });

  it('discards a session whose state is unknown, and opens another for the next waiter', async () => {
    const { pool, closed } = fakePool(1);
    const a = await pool.acquire();
    const waiting = pool.acquire();
    pool.discard(a);
    expect(closed).toEqual([1]);
    expect((await waiting).session).toBe(2);
  });

  it('after close, refuses loans with PROVIDER_CLOSED and drains when the last lent session is back', async () => {
    const { pool, closed } = fakePool(2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    pool.release(b);
    const waiting = pool.acquire();
    const w2 = pool.acquire();
    await waiting;
    pool.close();
    await expect(w2).rejects.toSatisfy((e) => isSignetError(e, 'PROVIDER_CLOSED'));
    await expect(pool.acquire()).rejects.toSatisfy((e) => isSignetError(e, 'PROVIDER_CLOSED'));
    let drained = false;
    const draining = pool.drained().then(() => (drained = true));
    pool.release(a);
    await Promise.resolve();
    expect(drained).toBe(false);
    pool.release(await waiting);
    await draining;
    expect(closed.sort()).toEqual([1, 2]);
  });
});
