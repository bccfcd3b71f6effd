import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignetError } from '../errors/errors.js';
import { isWellNested } from '../x509/ber-nesting.js';
import type { TimestampRequest } from './request.js';
import { readFailures, refusalError, STATUS_GRANTED, STATUS_GRANTED_WITH_MODS } from './status.js';
import type { Timestamp } from './timestamp.js';
import { verifyTimestampToken } from './token.js';

export interface ReadTimestampResponseOptions {
  /** DER certificates to trust (TSA roots, or a pinned TSA certificate). Default none: `trusted` is false. */
  trustedCertificates?: readonly Uint8Array[];
}

/**
 * Reads a TimeStampResp (an `application/timestamp-reply` body) to `request`: the status must
 * grant, and the token must verify and match the request's imprint, nonce and policy (see
 * {@link verifyTimestampToken}).
 *
 * @throws SignetError `INVALID_FORMAT` (not a TimeStampResp, or granted without a token), the
 * refusal's code (see `refusalError`: `UNAVAILABLE`, `UNSUPPORTED_ALGORITHM`, `INVALID_ARGUMENT`)
 * with the status and failures in `details`, `VERIFICATION_FAILED`.
 * @example
 * ```ts
 * const request = createTimestampRequest({ data: signatureValue });
 * const timestamp = readTimestampResponse(replyBytes, request);
 * ```
 */
export function readTimestampResponse(
  der: Uint8Array,
  request: TimestampRequest,
  options: ReadTimestampResponseOptions = {},
): Timestamp {
  let response: pkijs.TimeStampResp;
  let token: Uint8Array | undefined;
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength || !isWellNested(asn1.result)) throw new Error('not DER');
    response = new pkijs.TimeStampResp({ schema: asn1.result });
    // The token as received, never re-encoded: its signature covers these bytes' parts.
    const element = (asn1.result as asn1js.Sequence).valueBlock.value[1];
    if (element) token = new Uint8Array(element.valueBeforeDecodeView);
  } catch (cause) {
    throw new SignetError('INVALID_FORMAT', 'The timestamp authority did not answer with a TimeStampResp', { cause });
  }
  const { status, failInfo, statusStrings } = response.status;
  if (status !== STATUS_GRANTED && status !== STATUS_GRANTED_WITH_MODS) {
    const text = statusStrings?.map((s) => s.valueBlock.value).join(' ');
    throw refusalError(status, readFailures(failInfo), text);
  }
  if (!token) throw new SignetError('INVALID_FORMAT', 'The timestamp authority granted the request but sent no token');
  const info = verifyTimestampToken(token, {
    input: { digest: request.digest },
    ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
    ...(request.policy ? { policy: request.policy } : {}),
    ...(options.trustedCertificates ? { trustedCertificates: options.trustedCertificates } : {}),
  });
  if (info.hash !== request.hash)
    throw new SignetError('VERIFICATION_FAILED', `The token's imprint is ${info.hash}, not ${request.hash}`);
  return { ...info, token };
}
