import { SignetError, throwIfAborted } from '../errors/errors.js';

/**
 * Turns many concurrent submissions into few commits. The first submission into an idle queue
 * waits `interval` ms for company; then everything queued is committed at once. While a commit
 * runs, new submissions queue up and form the next batch as soon as it ends, so a slow commit
 * (an fsync) makes batches bigger instead of making callers wait in line. One commit at a time:
 * batch k+1 is formed only after batch k succeeded or failed, so it sees the outcome.
 */
export interface GroupCommit<T, R> {
  /**
   * Queues `item`; resolves with its result once its batch is committed, or rejects with the
   * batch's error. Aborting `signal` withdraws the item while it still waits (`ABORTED`); once its
   * batch is being committed it shares that batch's outcome.
   */
  submit(item: T, signal?: AbortSignal): Promise<R>;
  /** Commits what is queued now, without waiting out the interval, and resolves when all is done. */
  flush(): Promise<void>;
}

interface Waiting<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
  detach(): void;
}

/**
 * @param commit commits a batch and returns one result per item, in order; throwing fails them all.
 * @param interval ms the first item waits; 0 = until the current event-loop turn ends.
 */
export function createGroupCommit<T, R>(
  commit: (items: readonly T[]) => Promise<readonly R[]>,
  interval: number,
): GroupCommit<T, R> {
  let queue: Waiting<T, R>[] = [];
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let running: Promise<void> | undefined;

  function schedule(): void {
    if (running || timer) return;
    timer = interval > 0 ? setTimeout(start, interval) : setImmediate(start);
  }

  function start(): void {
    timer = undefined;
    if (!running && queue.length > 0) running = drain();
  }

  async function drain(): Promise<void> {
    for (;;) {
      const batch = queue;
      queue = [];
      for (const w of batch) w.detach();
      try {
        const results = await commit(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
      // Decide in this same turn: a caller resuming from resolve() may submit again right away,
      // and must find either a running drain that will see it or none (so it schedules one).
      if (queue.length === 0) {
        running = undefined;
        return;
      }
    }
  }

  return {
    submit(item, signal) {
      throwIfAborted(signal);
      return new Promise<R>((resolve, reject) => {
        const onAbort = (): void => {
          queue = queue.filter((w) => w !== waiting);
          reject(
            new SignetError('ABORTED', 'The audit append was aborted before it was written', { cause: signal?.reason }),
          );
        };
        const waiting: Waiting<T, R> = {
          item,
          resolve,
          reject,
          detach: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiting);
        schedule();
      });
    },
    async flush() {
      if (timer) {
        if (interval > 0) clearTimeout(timer as NodeJS.Timeout);
        else clearImmediate(timer as NodeJS.Immediate);
        start();
      }
      await running;
    },
  };
}
