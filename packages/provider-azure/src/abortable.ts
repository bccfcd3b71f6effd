import { SignetError, throwIfAborted } from '@signet/sdk';

/**
 * Waits for `promise` (often shared with other callers) but stops waiting, with `ABORTED`, when
 * this caller's `signal` fires. The shared work itself goes on for the others.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new SignetError('ABORTED', 'The operation was aborted', { cause: signal.reason }));
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
