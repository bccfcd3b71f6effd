import { SignetError, throwIfAborted } from '@signet/sdk';
import { toSignetError } from './errors.js';
import type { KmsClient } from './kms-client.js';

/** What gax returns: a promise of `[response, nextPageRequest, rawResponse]` that can be cancelled. */
type GaxCall = Promise<unknown[]> & { cancel?: () => void };

export interface KmsCall {
  /** The gax method, e.g. `asymmetricSign`. */
  method: string;
  request: Record<string, unknown>;
  /** The request field Cloud KMS routes by (`name` or `parent`). */
  routing: 'name' | 'parent';
  /** For error messages: "could not <action> <resource>". */
  action: string;
  signal?: AbortSignal | undefined;
  /** Per attempt, in ms. */
  timeoutMs: number;
}

/**
 * One attempt of one Cloud KMS call, with the library's own retries off (`retry: null`):
 * `withRetries` around it is the only retry layer, so attempts never multiply. An abort or the
 * timeout cancels the HTTP request in flight and settles at once; every failure comes back as a
 * `SignetError`.
 *
 * @returns gax's tuple: `[response]`, or `[items, nextPageRequest, rawResponse]` for a list.
 */
export function callKms(client: KmsClient, call: KmsCall): Promise<unknown[]> {
  const { signal, timeoutMs } = call;
  const resource = String(call.request[call.routing] ?? '');
  throwIfAborted(signal);
  const method = client.innerApiCalls[call.method];
  if (typeof method !== 'function') {
    return Promise.reject(new SignetError('INTERNAL', `The Cloud KMS client has no method ${call.method}`));
  }
  const routingHeader = `${call.routing}=${encodeURIComponent(resource)}`;
  const pending = method(call.request, {
    retry: null,
    autoPaginate: false,
    otherArgs: { headers: { 'x-goog-request-params': routingHeader } },
  }) as GaxCall;

  return new Promise((resolve, reject) => {
    const settle = (error: SignetError) => {
      done();
      pending.cancel?.();
      reject(error);
    };
    const onAbort = () => settle(new SignetError('ABORTED', 'The operation was aborted', { cause: signal?.reason }));
    const timer = setTimeout(
      () =>
        settle(
          new SignetError('UNAVAILABLE', `Cloud KMS did not answer ${call.method} within ${timeoutMs} ms`, {
            details: { resource, status: 'DEADLINE_EXCEEDED' },
          }),
        ),
      timeoutMs,
    );
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (result) => {
        done();
        resolve(result);
      },
      (error: unknown) => {
        done();
        reject(toSignetError(error, call.action, resource));
      },
    );
  });
}
