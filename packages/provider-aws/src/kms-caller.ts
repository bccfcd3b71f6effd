import { SignetError, withRetries } from '@signet/sdk';
import { toSignetError } from './errors.js';
import { createKmsApi, type KmsApi, type SendOptions } from './kms-api.js';
import type { AwsKmsProviderOptions } from './options.js';

export interface CallTarget {
  /** The KMS operation, for error messages. */
  operation: string;
  /** The key URI the call is about, for error messages. */
  key?: string;
  /** The region an ARN names; the provider's region otherwise. */
  region?: string;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /**
   * False for calls that change state (CreateKey): only `THROTTLED`, which KMS answers before doing
   * anything, is retried, since a timed-out CreateKey may have created a key. Default true.
   */
  idempotent?: boolean;
}

/** Runs KMS calls: the client of the right region, errors translated, retryable ones retried. */
export interface KmsCaller {
  call<T>(target: CallTarget, run: (api: KmsApi, send: SendOptions) => Promise<T>, options: CallOptions): Promise<T>;
  close(): void;
}

/** Carries a retryable error past `withRetries` when the call must not be repeated. */
class DoNotRetry {
  constructor(readonly error: SignetError) {}
}

export function createKmsCaller(options: AwsKmsProviderOptions): KmsCaller {
  // One client per region, created on first use: keys named by ARN may live in other regions.
  const clients = new Map<string, KmsApi>();
  const clientFor = (region: string | undefined): KmsApi => {
    const key = options.client ? '' : (region ?? options.region ?? '');
    let api = clients.get(key);
    if (!api) {
      api = createKmsApi(options, key || undefined);
      clients.set(key, api);
    }
    return api;
  };

  return {
    async call(target, run, { signal, idempotent = true }) {
      const api = clientFor(target.region);
      try {
        return await withRetries(
          async () => {
            try {
              return await run(api, signal ? { abortSignal: signal } : {});
            } catch (cause) {
              const error = toSignetError(signal?.aborted ? abortError(signal, cause) : cause, target);
              throw !idempotent && error.code !== 'THROTTLED' ? new DoNotRetry(error) : error;
            }
          },
          { ...options.retry, ...(signal ? { signal } : {}) },
        );
      } catch (error) {
        throw error instanceof DoNotRetry ? error.error : error;
      }
    },
    close() {
      for (const api of clients.values()) api.destroy();
      clients.clear();
    },
  };
}

// An abort can surface from the SDK as a socket error; the caller's signal says what happened.
function abortError(signal: AbortSignal, cause: unknown): SignetError {
  return new SignetError('ABORTED', 'The operation was aborted', { cause: signal.reason ?? cause });
}
