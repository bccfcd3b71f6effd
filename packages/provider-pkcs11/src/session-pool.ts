import { SignetError, throwIfAborted } from '@signet/sdk';

/** A session borrowed from the pool; give it back with `release` or `discard`, exactly once. */
export interface Lease<S> {
  readonly session: S;
  /** The pool generation the session belongs to; {@link SessionPool.reset} starts a new one. */
  readonly generation: number;
}

export interface SessionPoolOptions<S> {
  /** Sessions open at most, so at most this many operations run at once. */
  size: number;
  /** Opens one session (C_OpenSession, and C_Login for the first). May throw; the borrower gets the error. */
  open(): S;
  /** Closes one session. Must not throw (the session may already be gone). */
  close(session: S): void;
}

interface Waiter<S> {
  resolve(lease: Lease<S>): void;
  reject(error: unknown): void;
}

/**
 * A bounded pool of PKCS#11 sessions. A session runs one operation at a time, so signatures in
 * flight at once each need their own: the pool opens sessions lazily up to `size`, lends each to
 * one caller, and queues the others first come, first served. An aborted waiter leaves the queue
 * at once.
 *
 * `reset` is for recovery after the token or module was reset: sessions of the old generation are
 * dropped instead of being lent again, and their places in the pool are freed at once.
 */
export class SessionPool<S> {
  #idle: S[] = [];
  /** Sessions of the current generation, idle or lent. */
  #open = 0;
  /** Sessions lent out, of any generation. */
  #lent = 0;
  #generation = 0;
  /** Sessions of generations below this one belong to a finalized module: their handles are void. */
  #voidBefore = 0;
  #closed = false;
  #onDrained: (() => void) | undefined;
  readonly #waiters: Waiter<S>[] = [];
  readonly #options: SessionPoolOptions<S>;

  constructor(options: SessionPoolOptions<S>) {
    this.#options = options;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Sessions of the current generation this pool holds open (idle and lent). */
  get openSessions(): number {
    return this.#open;
  }

  /** Sessions lent out now: operations on the token in flight. */
  get lentSessions(): number {
    return this.#lent;
  }

  /** Callers waiting for a session. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Borrows a session, waiting for one when all are lent. @throws SignetError `ABORTED`, `PROVIDER_CLOSED` */
  acquire(signal?: AbortSignal): Promise<Lease<S>> {
    try {
      if (this.#closed) throw closedError();
      throwIfAborted(signal);
      const idle = this.#idle.pop();
      if (idle !== undefined) return Promise.resolve(this.#lend(idle));
      if (this.#open < this.#options.size) return Promise.resolve(this.#openOne());
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<Lease<S>>((resolve, reject) => {
      const abort = () => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new SignetError('ABORTED', 'The operation was aborted', { cause: signal?.reason }));
      };
      const waiter: Waiter<S> = {
        resolve(lease) {
          signal?.removeEventListener('abort', abort);
          resolve(lease);
        },
        reject(error) {
          signal?.removeEventListener('abort', abort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Gives a healthy session back: to the next waiter, or to the idle sessions. */
  release(lease: Lease<S>): void {
    this.#lent--;
    if (lease.generation !== this.#generation || this.#closed) {
      this.#drop(lease);
    } else {
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(this.#lend(lease.session));
      else this.#idle.push(lease.session);
    }
    this.#checkDrained();
  }

  /** Gives back a session whose state is unknown: it is closed, and a waiter gets a new one. */
  discard(lease: Lease<S>): void {
    this.#lent--;
    this.#drop(lease);
    if (lease.generation === this.#generation && !this.#closed) this.#serveWaiter();
    this.#checkDrained();
  }

  /**
   * Starts a new generation: idle sessions are closed, lent ones are closed when they come back,
   * and waiters get fresh sessions. After the module was finalized and initialized again
   * (`handlesVoid`), old sessions are not closed at all: their handle numbers may already name new
   * sessions.
   */
  reset(handlesVoid: boolean): void {
    const idle = this.#idle;
    this.#idle = [];
    this.#open = 0;
    this.#generation++;
    if (handlesVoid) this.#voidBefore = this.#generation;
    else for (const session of idle) this.#options.close(session);
    while (this.#waiters.length > 0 && this.#open < this.#options.size) this.#serveWaiter();
  }

  /** Closes idle sessions and refuses new loans; lent sessions are closed as they come back. */
  close(): void {
    this.#closed = true;
    for (const session of this.#idle.splice(0)) this.#options.close(session);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(closedError());
  }

  /** Resolves when no session is lent any more (after `close`, when the last call in flight ends). */
  drained(): Promise<void> {
    if (this.#lent === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#onDrained;
      this.#onDrained = () => {
        previous?.();
        resolve();
      };
    });
  }

  #lend(session: S): Lease<S> {
    this.#lent++;
    return { session, generation: this.#generation };
  }

  #drop(lease: Lease<S>): void {
    if (lease.generation === this.#generation) this.#open--;
    if (lease.generation >= this.#voidBefore) this.#options.close(lease.session);
  }

  #openOne(): Lease<S> {
    const session = this.#options.open();
    this.#open++;
    return this.#lend(session);
  }

  #serveWaiter(): void {
    const waiter = this.#waiters.shift();
    if (!waiter) return;
    try {
      waiter.resolve(this.#openOne());
    } catch (error) {
      waiter.reject(error);
    }
  }

  #checkDrained(): void {
    if (this.#lent > 0 || !this.#onDrained) return;
    const done = this.#onDrained;
    this.#onDrained = undefined;
    done();
  }
}

function closedError(): SignetError {
  return new SignetError('PROVIDER_CLOSED', 'The PKCS#11 provider is closed');
}
