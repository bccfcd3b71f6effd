import { SignetError, type SignetErrorCode } from '@signet/sdk';

/** What the provider was doing when a vault call failed: it refines a few mappings. */
export interface ErrorContext {
  readonly operation: 'get' | 'list' | 'sign' | 'create';
  /** The key URI or vault the call was about. */
  readonly target: string;
  /** The caller's signal: an abort it caused is `ABORTED`, one our own timeout caused is not. */
  readonly signal?: AbortSignal | undefined;
  /** Set when the per-attempt timeout fired. */
  readonly timedOut?: boolean;
}

/** A `RestError` from the Azure pipeline, typed by what we read of it. */
interface RestErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  response?: { headers?: { get(name: string): string | undefined } };
  details?: { error?: { code?: string; message?: string } };
}

/** Errors @azure/identity throws when no token can be had. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);

/** Node's codes for a certificate that fails verification. */
const TLS_TRUST = /CERT|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === 'RestError';
}

/** Key Vault answers 400 `BadParameter` for both; only its message tells which. */
function badParameterCode(operation: ErrorContext['operation'], message: string): SignetErrorCode {
  if (operation !== 'sign') return 'INVALID_ARGUMENT';
  if (/length/i.test(message)) return 'DIGEST_LENGTH_MISMATCH';
  if (/incompatib/i.test(message)) return 'ALGORITHM_KEY_MISMATCH';
  return 'INVALID_ARGUMENT';
}

function codeForStatus(status: number, operation: ErrorContext['operation'], message: string): SignetErrorCode {
  if (status === 400) return badParameterCode(operation, message);
  if (status === 401 || status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'KEY_NOT_FOUND';
  // Creating a name that a soft-deleted key still holds.
  if (status === 409) return operation === 'create' ? 'KEY_EXISTS' : 'INVALID_ARGUMENT';
  if (status === 429) return 'THROTTLED';
  if (status === 408 || status >= 500) return 'UNAVAILABLE';
  return 'INTERNAL';
}

/** Retry-After in ms (seconds or an HTTP date), when the vault sent one. */
function retryAfterMs(error: RestErrorLike): number | undefined {
  const value = error.response?.headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Translates whatever a vault call threw into a `SignetError`, keeping the original as `cause`:
 * 404 → `KEY_NOT_FOUND`, 401/403 → `PERMISSION_DENIED`, 400 on sign → `ALGORITHM_KEY_MISMATCH` or
 * `DIGEST_LENGTH_MISMATCH`, 429 → `THROTTLED`, 408/5xx and unanswered requests → `UNAVAILABLE`, an
 * untrusted vault certificate → `INTERNAL` (not retried),
 * credential failures → `PERMISSION_DENIED`, aborts → `ABORTED` (or `UNAVAILABLE` when our own
 * per-attempt timeout fired).
 */
export function toSignetError(error: unknown, context: ErrorContext): SignetError {
  if (error instanceof SignetError) return error;
  const what = `Key Vault ${context.operation} of ${context.target}`;
  if (context.signal?.aborted) {
    return new SignetError('ABORTED', `${what} was aborted`, { cause: context.signal.reason ?? error });
  }
  if (context.timedOut) {
    return new SignetError('UNAVAILABLE', `${what} timed out`, {
      cause: error,
      details: { target: context.target, reason: 'timeout' },
    });
  }
  if (isRestError(error)) {
    const status = error.statusCode;
    const vaultCode = error.details?.error?.code;
    const message = error.details?.error?.message ?? error.message;
    const requestId = error.response?.headers?.get('x-ms-request-id');
    const details: Record<string, unknown> = { target: context.target };
    if (status !== undefined) details.status = status;
    if (vaultCode) details.vaultCode = vaultCode;
    if (requestId) details.requestId = requestId;
    const wait = status === 429 ? retryAfterMs(error) : undefined;
    if (wait !== undefined) details.retryAfterMs = wait;
    let code: SignetErrorCode;
    if (status !== undefined) code = codeForStatus(status, context.operation, message);
    else if (TLS_TRUST.test(error.code ?? '')) {
      // The vault's certificate is not trusted: a configuration fault (or an impostor), not an outage to wait out.
      code = 'INTERNAL';
      Object.assign(details, { reason: 'tls-verification', transportCode: error.code });
    } else {
      // No answer at all: refused, reset, DNS.
      code = 'UNAVAILABLE';
      if (error.code) details.transportCode = error.code;
    }
    return new SignetError(code, `${what} failed: ${message}`, { cause: error, details });
  }
  if (error instanceof Error && CREDENTIAL_ERRORS.has(error.name)) {
    return new SignetError('PERMISSION_DENIED', `${what}: the Azure credential could not get a token`, {
      cause: error,
      details: { target: context.target, reason: 'credential' },
    });
  }
  // The Azure SDK refuses (as a plain Error) a 401 challenge naming a resource the vault's host is
  // not under: a vault behind a custom domain needs `disableChallengeResourceVerification`.
  if (error instanceof Error && /challenge resource/i.test(error.message)) {
    return new SignetError('PERMISSION_DENIED', `${what}: ${error.message}`, {
      cause: error,
      details: { target: context.target, reason: 'challenge-resource' },
    });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new SignetError('ABORTED', `${what} was aborted`, { cause: error });
  }
  return new SignetError('INTERNAL', `${what} failed unexpectedly`, {
    cause: error,
    details: { target: context.target },
  });
}
