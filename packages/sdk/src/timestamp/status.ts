import * as asn1js from 'asn1js';
import { SignetError, type SignetErrorCode } from '../errors/errors.js';

/** Why a TSA refuses a request: the PKIFailureInfo bits RFC 3161 §2.4.2 defines. */
export type TimestampFailure =
  | 'badAlg'
  | 'badRequest'
  | 'badDataFormat'
  | 'timeNotAvailable'
  | 'unacceptedPolicy'
  | 'unacceptedExtension'
  | 'addInfoNotAvailable'
  | 'systemFailure';

const FAILURE_BITS: Readonly<Record<TimestampFailure, number>> = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
};

/** PKIStatus values (RFC 3161 §2.4.2). */
export const STATUS_GRANTED = 0;
export const STATUS_GRANTED_WITH_MODS = 1;
export const STATUS_REJECTION = 2;
export const STATUS_WAITING = 3;

/**
 * A PKIStatusInfo: the status, a free text and, for a refusal, the failure bit. DER drops the
 * trailing zero bits of a named bit list (X.690 §11.2.2), so one bit set ends its last octet.
 */
export function encodeStatusInfo(status: number, text?: string, failure?: TimestampFailure): asn1js.Sequence {
  const value: asn1js.AsnType[] = [new asn1js.Integer({ value: status })];
  if (text) value.push(new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: text })] }));
  if (failure) {
    const bit = FAILURE_BITS[failure];
    const bytes = new Uint8Array((bit >> 3) + 1);
    bytes[bit >> 3] = 0x80 >> (bit & 7);
    value.push(new asn1js.BitString({ unusedBits: 7 - (bit & 7), valueHex: bytes }));
  }
  return new asn1js.Sequence({ value });
}

/**
 * A TimeStampResp that refuses (status rejection, no token): what a TSA answers to a request it
 * cannot or will not serve, rather than an HTTP error (RFC 3161 §2.4.2).
 *
 * @example const reply = encodeTimestampRefusal('badAlg', 'SHA-1 is not accepted');
 */
export function encodeTimestampRefusal(failure: TimestampFailure, text: string): Uint8Array {
  const response = new asn1js.Sequence({ value: [encodeStatusInfo(STATUS_REJECTION, text, failure)] });
  return new Uint8Array(response.toBER(false));
}

/** The failures named by a PKIFailureInfo BIT STRING; unknown bits are left out. */
export function readFailures(bits: asn1js.BitString | undefined): TimestampFailure[] {
  if (!bits) return [];
  const bytes = bits.valueBlock.valueHexView;
  return (Object.keys(FAILURE_BITS) as TimestampFailure[]).filter((f) => {
    const bit = FAILURE_BITS[f];
    return ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0;
  });
}

/**
 * The error for a TSA's refusal. The TSA's trouble (`waiting`, `timeNotAvailable`,
 * `systemFailure`) is `UNAVAILABLE`, worth another try or another TSA; a refused algorithm is
 * `UNSUPPORTED_ALGORITHM`; the rest say the request itself was not acceptable.
 */
export function refusalError(
  status: number,
  failures: readonly TimestampFailure[],
  text: string | undefined,
): SignetError {
  const code: SignetErrorCode =
    status === STATUS_WAITING || failures.some((f) => f === 'timeNotAvailable' || f === 'systemFailure')
      ? 'UNAVAILABLE'
      : failures.includes('badAlg')
        ? 'UNSUPPORTED_ALGORITHM'
        : 'INVALID_ARGUMENT';
  const why = [failures.join(', '), text].filter(Boolean).join(': ');
  return new SignetError(
    code,
    `The timestamp authority refused the request (status ${status}${why ? `, ${why}` : ''})`,
    {
      details: { status, failures, ...(text ? { text } : {}) },
    },
  );
}
