import type { HashAlgorithm } from '../algorithms/algorithms.js';
import { isSignetError, SignetError, throwIfAborted } from '../errors/errors.js';
import { withRetries } from '../provider/retry.js';
import { createTimestampRequest, type TimestampRequest } from './request.js';
import { readTimestampResponse } from './response.js';
import type { Timestamp, TimestampClient, TimestampInput } from './timestamp.js';

export interface TimestampClientOptions {
  /** TSA URLs, tried in this order: the next only when one fails. At least one. */
  urls: readonly string[];
  /** Time allowed for one HTTP exchange, in ms. Default 10 000. */
  timeoutMs?: number;
  /** Retries at the same URL after a transient failure (see below), before the next URL. Default 1. */
  retries?: number;
  /** The first backoff between retries, in ms, doubling with jitter. Default 200. */
  retryDelayMs?: number;
  /** Imprint hash when the input is bytes. Default `sha256`. */
  hash?: HashAlgorithm;
  /** The TSA policy OID to ask for. Default: none, each TSA's own. */
  policy?: string;
  /** DER certificates the TSAs' chains must reach (roots or pinned TSA certificates). Default none: any TSA certificate whose token verifies, `trusted: false`. */
  trustedCertificates?: readonly Uint8Array[];
  /** Extra HTTP headers, e.g. a commercial TSA's credentials. */
  headers?: Readonly<Record<string, string>>;
}

/** Largest reply read: a token with a chain of a few certificates is a few KiB. */
const MAX_REPLY = 1 << 20;

/**
 * An RFC 3161 client over HTTP (`POST`, `application/timestamp-query`). Each timestamp goes to
 * the first URL; a failure moves on to the next:
 *
 * - transient failures (a refused or dropped connection, a timeout, HTTP 5xx or 429, a refusal
 *   with `systemFailure`, `timeNotAvailable` or `waiting`) are retried `retries` times at the same
 *   URL with backoff, then the next URL is tried;
 * - any other failure (another HTTP status, a reply that is not a TimeStampResp, a refusal, a token
 *   that does not verify or match the request) is not retried at that URL, where it would repeat,
 *   but the next URL is tried: TSAs are independent services.
 *
 * When every URL failed, the error of the last one is thrown, with each URL's failure in
 * `details.attempts`. Only the caller's abort stops early (`ABORTED`).
 *
 * @throws SignetError `INVALID_ARGUMENT` (no URLs, a URL that is not http(s)); then as above.
 * @example
 * ```ts
 * const tsa = createTimestampClient({ urls: ['https://signet.example/v1/timestamp', 'http://timestamp.digicert.com'] });
 * const { token, time } = await tsa.timestamp({ data: signatureValue });
 * ```
 */
export function createTimestampClient(options: TimestampClientOptions): TimestampClient {
  const urls = options.urls.map((u) => parseUrl(u));
  if (urls.length === 0) throw new SignetError('INVALID_ARGUMENT', 'A timestamp client needs at least one TSA URL');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = Math.max(0, options.retries ?? 1);

  async function exchange(url: string, request: TimestampRequest, signal: AbortSignal | undefined): Promise<Timestamp> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const body = await post(
      url,
      request.der,
      signal ? AbortSignal.any([signal, timeout]) : timeout,
      options.headers,
    ).catch((cause: unknown) => {
      if (signal?.aborted) throw new SignetError('ABORTED', 'The operation was aborted', { cause: signal.reason });
      throw cause;
    });
    const timestamp = readTimestampResponse(body, request, {
      ...(options.trustedCertificates ? { trustedCertificates: options.trustedCertificates } : {}),
    });
    return { ...timestamp, url };
  }

  return {
    async timestamp(input: TimestampInput, callOptions = {}) {
      const { signal } = callOptions;
      const request = createTimestampRequest('data' in input ? { ...input, hash: input.hash ?? options.hash } : input, {
        ...(options.policy ? { policy: options.policy } : {}),
      });
      const attempts: Array<{ url: string; code: string; message: string }> = [];
      let last: unknown;
      for (const url of urls) {
        throwIfAborted(signal);
        try {
          return await withRetries(() => exchange(url, request, signal), {
            attempts: retries + 1,
            baseDelayMs: options.retryDelayMs ?? 200,
            signal,
          });
        } catch (error) {
          if (isSignetError(error, 'ABORTED')) throw error;
          last = error;
          attempts.push({
            url,
            code: isSignetError(error) ? error.code : 'INTERNAL',
            message: error instanceof Error ? error.message : String(error),
          });
        }
      }
      const code = isSignetError(last) ? last.code : 'UNAVAILABLE';
      const summary = attempts.map((a) => `${a.url}: ${a.message}`).join('; ');
      throw new SignetError(code, `No timestamp authority gave a valid timestamp (${summary})`, {
        cause: last,
        details: { attempts },
      });
    },
  };
}

/** One HTTP exchange; transport failures and HTTP statuses become Signet errors. */
async function post(
  url: string,
  der: Uint8Array,
  signal: AbortSignal,
  headers: Readonly<Record<string, string>> | undefined,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: der,
      signal,
    });
  } catch (cause) {
    throw new SignetError('UNAVAILABLE', `${url} cannot be reached: ${reason(cause)}`, { cause, details: { url } });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const status = response.status;
    const code =
      status === 429
        ? 'THROTTLED'
        : status >= 500
          ? 'UNAVAILABLE'
          : status === 401
            ? 'UNAUTHENTICATED'
            : status === 403
              ? 'PERMISSION_DENIED'
              : 'INVALID_ARGUMENT';
    throw new SignetError(code, `${url} answered HTTP ${status}`, { details: { url, status } });
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_REPLY) {
    await response.body?.cancel().catch(() => undefined);
    throw new SignetError('INVALID_FORMAT', `${url} sent a reply of ${length} bytes`, { details: { url } });
  }
  try {
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > MAX_REPLY) throw new Error(`a reply of ${body.length} bytes`);
    return body;
  } catch (cause) {
    throw new SignetError('UNAVAILABLE', `${url} broke off its reply: ${reason(cause)}`, { cause, details: { url } });
  }
}

function parseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new SignetError('INVALID_ARGUMENT', `"${url}" is not a URL`, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new SignetError('INVALID_ARGUMENT', `A TSA URL is http or https, not ${parsed.protocol}`);
  return parsed.href;
}

function reason(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause instanceof Error && cause.name === 'TimeoutError') return 'timed out';
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : String(cause));
}
