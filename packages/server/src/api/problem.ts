import type { Context } from 'hono';
import { isSignetError, type SignetErrorCode } from '@signet/sdk';

/** HTTP status per error code. Anything unlisted is a 500 (and a bug to fix). */
const STATUS: Partial<Record<SignetErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  INVALID_KEY_URI: 400,
  UNKNOWN_SCHEME: 400,
  UNSUPPORTED_ALGORITHM: 400,
  DIGEST_LENGTH_MISMATCH: 400,
  ALGORITHM_KEY_MISMATCH: 400,
  INVALID_SIGNATURE_ENCODING: 400,
  INVALID_CERTIFICATE: 400,
  CERTIFICATE_KEY_MISMATCH: 400,
  INVALID_FORMAT: 400,
  INVALID_POLICY: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  POLICY_DENIED: 403,
  SELF_APPROVAL: 403,
  NOT_AN_APPROVER: 403,
  KEY_NOT_FOUND: 404,
  NOT_FOUND: 404,
  KEY_EXISTS: 409,
  IDEMPOTENCY_CONFLICT: 409,
  APPROVAL_REQUIRED: 409,
  CANCELLED: 409,
  VERIFICATION_FAILED: 422,
  THROTTLED: 429,
  UNAVAILABLE: 503,
  AUDIT_UNAVAILABLE: 503,
  ABORTED: 499,
};

/** An RFC 9457 problem document, with Signet's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: SignetErrorCode;
  instance?: string;
  [extension: string]: unknown;
}

export function statusFor(code: SignetErrorCode): number {
  return STATUS[code] ?? 500;
}

/**
 * Turns anything thrown into a problem document. A SignetError keeps its code, message and
 * details (small, non-secret facts by contract); anything else becomes a bare 500 INTERNAL whose
 * message never reaches the client (it is logged with the request id instead).
 */
export function toProblem(error: unknown, requestId?: string): Problem {
  if (isSignetError(error)) {
    const status = statusFor(error.code);
    if (status !== 500) {
      return {
        type: `urn:signet:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
        title: error.code,
        status,
        detail: error.message,
        code: error.code,
        ...(requestId ? { instance: requestId } : {}),
        ...(Object.keys(error.details).length ? { details: error.details } : {}),
      };
    }
  }
  return {
    type: 'urn:signet:problem:internal',
    title: 'INTERNAL',
    status: 500,
    detail: 'The server could not complete the request; it was logged with this request id.',
    code: 'INTERNAL',
    ...(requestId ? { instance: requestId } : {}),
  };
}

export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem), problem.status as 400, { 'content-type': 'application/problem+json' });
}
