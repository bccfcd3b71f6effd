import { withRetries, type RetryOptions } from '@signet/sdk';
import { toSignetError, type ErrorContext } from './errors.js';

/** How every vault call is bounded and retried. */
export interface CallPolicy {
  readonly retry: Omit<RetryOptions, 'signal'>;
  /** Longest wait for one attempt, in ms. */
  readonly requestTimeoutMs: number;
}

/**
 * Runs one vault call under the provider's policy: each attempt gets the caller's signal joined
 * with a timeout, failures become `SignetError`s at once, and only retryable ones (`THROTTLED`,
 * `UNAVAILABLE`) are tried again, with backoff and jitter. `retry: false` makes one attempt, for
 * calls that must not run twice (creating a key).
 */
export function callVault<T>(
  call: (signal: AbortSignal) => Promise<T>,
  context: Omit<ErrorContext, 'signal' | 'timedOut'>,
  policy: CallPolicy,
  signal: AbortSignal | undefined,
  retry = true,
): Promise<T> {
  return withRetries(
    async () => {
      const timeout = AbortSignal.timeout(policy.requestTimeoutMs);
      try {
        return await call(signal ? AbortSignal.any([signal, timeout]) : timeout);
      } catch (error) {
        throw toSignetError(error, { ...context, signal, timedOut: timeout.aborted });
      }
    },
    { ...policy.retry, ...(retry ? {} : { attempts: 1 }), signal },
  );
}
