import { SignetError, type SignetErrorCode } from '../errors/errors.js';

/** A problem document as the server sends it (RFC 9457 with Signet's `code`). */
interface ProblemBody {
  code?: string;
  detail?: string;
  title?: string;
  details?: Record<string, unknown>;
}

/**
 * Turns a server's error response into the SignetError the server raised: same code, same
 * message, same details. A response that is not a problem document (a proxy's 502 page) becomes
 * `UNAVAILABLE` (retryable) or `INTERNAL`.
 */
export async function errorFromResponse(response: Response): Promise<SignetError> {
  let body: ProblemBody | undefined;
  try {
    body = (await response.json()) as ProblemBody;
  } catch {
    body = undefined;
  }
  if (body && typeof body.code === 'string' && typeof body.detail === 'string') {
    return new SignetError(body.code as SignetErrorCode, body.detail, {
      details: { status: response.status, ...body.details },
    });
  }
  const code: SignetErrorCode =
    response.status === 429 ? 'THROTTLED' : response.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL';
  return new SignetError(code, `The server answered ${response.status} ${response.statusText}`, {
    details: { status: response.status },
  });
}
