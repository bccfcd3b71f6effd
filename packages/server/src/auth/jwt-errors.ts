import { SignetError } from '@signet/sdk';
import { errors } from 'jose';

/**
 * Translates a jose verification error into our codes: a refusal of the token is
 * `UNAUTHENTICATED` with a stable `details.reason`; failing to reach the issuer's keys is
 * `UNAVAILABLE` (retryable), since the token itself may be fine.
 */
export function joseRefusal(cause: unknown): SignetError {
  if (cause instanceof SignetError) return cause;
  if (cause instanceof errors.JWTExpired) return refused('expired', 'The token has expired', cause);
  if (cause instanceof errors.JWTClaimValidationFailed) {
    const reason = CLAIM_REASONS[cause.claim] ?? 'claims';
    return refused(reason, `The token's "${cause.claim}" claim is not acceptable`, cause);
  }
  if (cause instanceof errors.JOSEAlgNotAllowed)
    return refused('alg-not-allowed', 'The token algorithm is not allowed', cause);
  if (cause instanceof errors.JWSSignatureVerificationFailed || cause instanceof errors.JWKSMultipleMatchingKeys)
    return refused('signature', 'The token signature does not verify', cause);
  if (cause instanceof errors.JWKSNoMatchingKey)
    return refused('unknown-kid', 'No key of the issuer matches the token', cause);
  if (
    cause instanceof errors.JWSInvalid ||
    cause instanceof errors.JWTInvalid ||
    cause instanceof errors.JOSENotSupported
  )
    return refused('malformed', 'The token is malformed', cause);
  return new SignetError('UNAVAILABLE', "The token issuer's keys could not be fetched", { cause });
}

const CLAIM_REASONS: Record<string, string> = {
  nbf: 'not-yet-valid',
  exp: 'expired',
  aud: 'audience',
  iss: 'issuer',
};

/** An `UNAUTHENTICATED` error whose `details.reason` clients and tests can branch on. */
export function refused(reason: string, message: string, cause?: unknown): SignetError {
  return new SignetError('UNAUTHENTICATED', message, {
    details: { reason },
    ...(cause === undefined ? {} : { cause }),
  });
}
