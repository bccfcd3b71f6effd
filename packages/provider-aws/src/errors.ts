import { isSignetError, SignetError, type SignetErrorCode } from '@signet/sdk';

/** The fields of an AWS SDK error (a smithy `ServiceException`, or a network error it passed on). */
interface AwsErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

/*
 * KMS error names by Signet code. Read from the KMS API reference (each operation's Errors list and
 * the common errors). Names are compared as strings, so this module loads nothing of the SDK.
 */
const BY_NAME: Readonly<Record<string, SignetErrorCode>> = {
  NotFoundException: 'KEY_NOT_FOUND',
  // A disabled key, or one pending deletion or import, exists but cannot sign until an admin acts.
  DisabledException: 'KEY_NOT_FOUND',
  KMSInvalidStateException: 'KEY_NOT_FOUND',
  InvalidArnException: 'INVALID_KEY_URI',
  // The key's spec or usage does not allow this signing algorithm (ECDSA on RSA, any on ENCRYPT_DECRYPT).
  InvalidKeyUsageException: 'ALGORITHM_KEY_MISMATCH',
  AlreadyExistsException: 'KEY_EXISTS',
  ValidationException: 'INVALID_ARGUMENT',
  InvalidAliasNameException: 'INVALID_ARGUMENT',
  TagException: 'INVALID_ARGUMENT',
  SerializationException: 'INVALID_ARGUMENT',
  AccessDeniedException: 'PERMISSION_DENIED',
  UnrecognizedClientException: 'PERMISSION_DENIED',
  InvalidSignatureException: 'PERMISSION_DENIED',
  IncompleteSignature: 'PERMISSION_DENIED',
  MissingAuthenticationTokenException: 'PERMISSION_DENIED',
  ExpiredTokenException: 'PERMISSION_DENIED',
  InvalidClientTokenId: 'PERMISSION_DENIED',
  CredentialsProviderError: 'PERMISSION_DENIED',
  ThrottlingException: 'THROTTLED',
  ThrottledException: 'THROTTLED',
  TooManyRequestsException: 'THROTTLED',
  RequestLimitExceeded: 'THROTTLED',
  DependencyTimeoutException: 'UNAVAILABLE',
  KMSInternalException: 'UNAVAILABLE',
  KeyUnavailableException: 'UNAVAILABLE',
  ServiceUnavailable: 'UNAVAILABLE',
  ServiceUnavailableException: 'UNAVAILABLE',
  InternalFailure: 'UNAVAILABLE',
  TimeoutError: 'UNAVAILABLE',
  RequestTimeout: 'UNAVAILABLE',
  AbortError: 'ABORTED',
};

/** What a person can do about configuration errors the SDK raises before sending anything. */
const HINTS: Readonly<Record<string, string>> = {
  CredentialsProviderError: ' (give the SDK credentials: environment, profile, SSO, web identity or an instance role)',
  region: " (set the provider's region option or AWS_REGION)",
};

// Socket-level failures: the request may not have reached KMS, or its answer did not come back.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * Translates an error thrown by the AWS SDK into a {@link SignetError}, keeping it as `cause`.
 * Throttling, KMS internal errors, timeouts and network failures become `THROTTLED` or
 * `UNAVAILABLE` (retryable); nothing else does.
 */
export function toSignetError(error: unknown, context: { operation: string; key?: string }): SignetError {
  if (isSignetError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const message = typeof e.message === 'string' ? e.message : typeof error === 'string' ? error : 'unknown error';
  const code = codeFor(name, typeof e.code === 'string' ? e.code : '', status, e.$fault, message);
  const where = context.key ? `${context.operation} ${context.key}` : context.operation;
  const hint = HINTS[name] ?? (code === 'INVALID_ARGUMENT' && /region/i.test(message) ? HINTS.region : '');
  return new SignetError(code, `AWS KMS ${where}: ${name && name !== 'Error' ? `${name}: ` : ''}${message}${hint}`, {
    cause: error,
    details: {
      operation: context.operation,
      ...(context.key ? { key: context.key } : {}),
      ...(name ? { awsError: name } : {}),
      ...(status ? { httpStatus: status } : {}),
      ...(typeof e.$metadata?.requestId === 'string' ? { requestId: e.$metadata.requestId } : {}),
    },
  });
}

function codeFor(name: string, code: string, status: number | undefined, fault: unknown, message: string) {
  const known = BY_NAME[name];
  if (known) return known;
  if (NETWORK_CODES.has(code)) return 'UNAVAILABLE';
  if (status === 429) return 'THROTTLED';
  if ((status !== undefined && status >= 500) || fault === 'server') return 'UNAVAILABLE';
  if (status === 401 || status === 403) return 'PERMISSION_DENIED';
  // The SDK's own configuration errors, raised before any request is sent.
  if (/region is missing/i.test(message)) return 'INVALID_ARGUMENT';
  return 'INTERNAL';
}
