/**
 * Stable error codes. Clients (the CLI, the API, build scripts) branch on `code`, never on the
 * message. Adding a code is a minor change; renaming one is a breaking change.
 */
export type SignetErrorCode =
  // input
  | 'INVALID_ARGUMENT'
  | 'INVALID_KEY_URI'
  | 'UNKNOWN_SCHEME'
  | 'UNSUPPORTED_ALGORITHM'
  | 'DIGEST_LENGTH_MISMATCH'
  | 'ALGORITHM_KEY_MISMATCH'
  | 'INVALID_SIGNATURE_ENCODING'
  | 'INVALID_CERTIFICATE'
  | 'CERTIFICATE_KEY_MISMATCH'
  | 'INVALID_FORMAT'
  | 'INVALID_POLICY'
  // keys and key stores
  | 'KEY_NOT_FOUND'
  | 'KEY_EXISTS'
  | 'BAD_PASSPHRASE'
  | 'PASSPHRASE_REQUIRED'
  | 'KEYSTORE_CORRUPT'
  // verification
  | 'VERIFICATION_FAILED'
  // signing engine: decisions, approvals, requests
  | 'POLICY_DENIED'
  | 'APPROVAL_REQUIRED'
  | 'SELF_APPROVAL'
  | 'NOT_AN_APPROVER'
  | 'IDEMPOTENCY_CONFLICT'
  | 'NOT_FOUND'
  | 'CANCELLED'
  // authentication (the server and its clients)
  | 'UNAUTHENTICATED'
  // providers and I/O
  | 'PERMISSION_DENIED'
  | 'THROTTLED'
  | 'UNAVAILABLE'
  | 'PROVIDER_CLOSED'
  | 'IO_ERROR'
  | 'ABORTED'
  | 'INTERNAL'
  // audit log
  /** The audit store could not make records durable: the signature they describe must be discarded. */
  | 'AUDIT_UNAVAILABLE'
  /** Stored audit records or checkpoints are damaged or do not chain: a person must look. */
  | 'AUDIT_CORRUPT'
  /** The audit log was closed; nothing more is appended. */
  | 'AUDIT_CLOSED';

/** Codes worth retrying with backoff: the same request may succeed later. */
const RETRYABLE: ReadonlySet<SignetErrorCode> = new Set(['THROTTLED', 'UNAVAILABLE', 'AUDIT_UNAVAILABLE']);

export interface SignetErrorOptions {
  /** The original error (vendor, HTTP, PKCS#11, file system), kept for logs. */
  cause?: unknown;
  /** Small, non-secret facts that help a person act on the error (a path, a key name). */
  details?: Record<string, unknown>;
}

/**
 * The one error type of Signet. Every failure that crosses a package boundary is a `SignetError`
 * with a stable {@link SignetErrorCode}; foreign errors are translated at the boundary and kept as
 * `cause`.
 *
 * @example
 * ```ts
 * try { await signer.sign(digest) }
 * catch (e) { if (isSignetError(e, 'DIGEST_LENGTH_MISMATCH')) ... }
 * ```
 */
/**
 * Marks every SignetError, whichever copy of the SDK made it: a provider package loaded as CommonJS
 * beside an ESM application, or two SDK versions in one tree, each have their own class.
 */
const BRAND = Symbol.for('@signet/sdk/SignetError');

export class SignetError extends Error {
  override readonly name = 'SignetError';
  static {
    Object.defineProperty(this.prototype, BRAND, { value: true });
  }
  readonly code: SignetErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: SignetErrorCode, message: string, options: SignetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = Object.freeze({ ...options.details });
  }

  /** Whether the same request may succeed if retried later (throttling, outages). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/**
 * Narrows `error` to a {@link SignetError}, optionally with one of the given codes. Also true of
 * one made by another copy of the SDK (see `BRAND`), so errors keep their codes across packages.
 */
export function isSignetError(error: unknown, ...codes: SignetErrorCode[]): error is SignetError {
  const branded = error instanceof SignetError || (error instanceof Error && BRAND in error);
  return branded && (codes.length === 0 || codes.includes((error as SignetError).code));
}

/**
 * Settles with `promise`, or rejects with `ABORTED` as soon as `signal` aborts: this caller stops
 * waiting, while work shared with other callers (a key lookup, a session) goes on for them. A
 * rejection of `promise` after the abort is not left unhandled.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  const aborted = () => {
    promise.catch(() => undefined);
    return new SignetError('ABORTED', 'The operation was aborted', { cause: signal.reason });
  };
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Throws an AbortError-coded SignetError when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new SignetError('ABORTED', 'The operation was aborted', { cause: signal.reason });
  }
}
