/**
 * Turns concurrent appends into few transactions, as the SDK's audit log does: while one commit
 * runs, new submissions queue and form the next batch as soon as it ends, so a slow commit (an
 * fsync, a round trip to PostgreSQL, waiting for another replica's lock) makes batches bigger
 * instead of making callers wait in line. One commit at a time per process; batch k+1 is formed
 * after batch k's outcome is known.
 */
export interface GroupCommit<T, R> {
  /** Queues `item`; resolves with its result once its batch committed, or rejects with its error. */
  submit(item: T): Promise<R>;
  /** Resolves once everything submitted so far has been committed or failed. */
  flush(): Promise<void>;
}

interface Waiting<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/** @param commit commits a batch, returning one result per item in order; throwing fails them all. */
export function createGroupCommit<T, R>(commit: (items: readonly T[]) => Promise<readonly R[]>): GroupCommit<T, R> {
  let queue: Waiting<T, R>[] = [];
  let running: Promise<void> | undefined;

  async function drain(): Promise<void> {
    // Wait out the current event-loop turn: appends started together share the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      const batch = queue;
      queue = [];
      try {
        const results = await commit(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
      // Decided in the same turn as the resolves: a caller that appends again right away finds
      // either this drain still running (it will see the item) or none (it starts one).
      if (queue.length === 0) {
        running = undefined;
        return;
      }
    }
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        running ??= drain();
      });
    },
    async flush() {
      while (running) await running;
    },
  };
}
