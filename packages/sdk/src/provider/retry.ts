import { isSignetError, SignetError, throwIfAborted } from '../errors/errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  /** The first backoff, in ms; each next one doubles, up to `maxDelayMs`. Default 100. */
  baseDelayMs?: number;
  /** Default 5000. */
  maxDelayMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs `call`, and runs it again after a backoff while it fails with a retryable `SignetError`
 * (`THROTTLED`, `UNAVAILABLE`): exponential, with full jitter so many clients throttled together
 * do not come back together. Any other error, and the last retryable one, is thrown as it is.
 * An abort stops the waiting at once with `ABORTED`.
 *
 * Providers translate their backend's errors to `SignetError` inside `call`, so only those the
 * backend marks transient are retried.
 *
 * @example
 * ```ts
 * const signature = await withRetries(() => kms.sign(params).catch(toSignetError), { signal });
 * ```
 */
export async function withRetries<T>(call: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt >= attempts || !isSignetError(error) || !error.retryable) throw error;
      await sleep(Math.random() * Math.min(max, base * 2 ** (attempt - 1)), options.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SignetError('ABORTED', 'The operation was aborted', { cause: signal.reason }));
      return;
    }
    const abort = () => {
      clearTimeout(timer);
      reject(new SignetError('ABORTED', 'The operation was aborted', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
