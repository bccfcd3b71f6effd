import { isSignetError, SignetError, type SignetErrorCode } from '@signet/sdk';

/** gRPC status names by number: gax errors carry the number as `code`, over REST and gRPC alike. */
const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** Google's HTTP ↔ status mapping, for an HTTP error whose body does not name its status. */
const HTTP_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const CODES: Readonly<Record<string, SignetErrorCode>> = {
  NOT_FOUND: 'KEY_NOT_FOUND',
  // A version that is disabled, destroyed or still pending: there is no usable key under the name.
  // Google's message (kept) says which state it is in.
  FAILED_PRECONDITION: 'KEY_NOT_FOUND',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  RESOURCE_EXHAUSTED: 'THROTTLED',
  UNAVAILABLE: 'UNAVAILABLE',
  DEADLINE_EXCEEDED: 'UNAVAILABLE',
  // A concurrency conflict inside the service; Google's guidance is to retry it.
  ABORTED: 'UNAVAILABLE',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  OUT_OF_RANGE: 'INVALID_ARGUMENT',
  ALREADY_EXISTS: 'KEY_EXISTS',
  CANCELLED: 'ABORTED',
};

/** Failures below HTTP: the request may never have arrived, so another try is worth it. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** What Cloud KMS (or the network) said, as a gRPC status name. */
export interface KmsFailure {
  readonly status: string;
  readonly message: string;
  readonly httpStatus?: number;
}

/**
 * Reads the three shapes a failed call takes: a gax `GoogleError` (numeric gRPC `code`); an HTTP
 * error with `status` and the response body as its message (google-auth-library's GaxiosError,
 * and our static-token transport, which imitates it); a network error with a system `code`.
 */
export function classifyKmsError(error: unknown): KmsFailure | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; status?: unknown; message?: unknown; cause?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  if (typeof e.status === 'number') {
    const body = googleErrorBody(message);
    const status = body?.status ?? HTTP_STATUS[e.status] ?? (e.status >= 500 ? 'INTERNAL' : 'UNKNOWN');
    return { status, message: body?.message ?? message, httpStatus: e.status };
  }
  if (typeof e.code === 'number' && STATUS_NAMES[e.code]) return { status: STATUS_NAMES[e.code]!, message };
  const system = typeof e.code === 'string' ? e.code : (e.cause as { code?: unknown } | undefined)?.code;
  if (typeof system === 'string' && NETWORK.has(system))
    return { status: 'UNAVAILABLE', message: `${system}: ${message}` };
  return undefined;
}

/** `{"error":{"code":404,"message":"...","status":"NOT_FOUND"}}`, Google's JSON error body. */
function googleErrorBody(text: string): { status?: string; message?: string } | undefined {
  try {
    const error = (JSON.parse(text) as { error?: { status?: unknown; message?: unknown } }).error;
    if (!error || typeof error !== 'object') return undefined;
    return {
      ...(typeof error.status === 'string' && error.status ? { status: error.status } : {}),
      ...(typeof error.message === 'string' ? { message: error.message } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Translates a failed Cloud KMS call into a `SignetError`, keeping the original as `cause`.
 * `INVALID_ARGUMENT` about a checksum means Cloud KMS received a digest that does not match the
 * CRC32C we sent with it: corruption on the way, retryable like an outage.
 */
export function toSignetError(error: unknown, action: string, resource: string): SignetError {
  if (isSignetError(error)) return error;
  const failure = classifyKmsError(error);
  const corrupted = failure?.status === 'INVALID_ARGUMENT' && /checksum|crc32c/i.test(failure.message);
  const code: SignetErrorCode = corrupted
    ? 'UNAVAILABLE'
    : failure
      ? (CODES[failure.status] ?? 'INTERNAL')
      : 'INTERNAL';
  const said = failure?.message || (error instanceof Error ? error.message : String(error));
  return new SignetError(code, `Cloud KMS could not ${action} ${resource}: ${said}`, {
    cause: error,
    details: {
      resource,
      ...(failure ? { status: failure.status } : {}),
      ...(failure?.httpStatus ? { httpStatus: failure.httpStatus } : {}),
      ...(corrupted ? { integrity: 'digestCrc32c' } : {}),
    },
  });
}
