import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../algorithms/algorithms.js';
import { digestAlgorithmIdentifier } from '../x509/digest-identifier.js';
import { imprintOf, randomNonce } from './imprint.js';
import type { TimestampInput } from './timestamp.js';

export interface TimestampRequestOptions {
  /** The TSA policy to ask for (reqPolicy). Default: none, the TSA's own. */
  policy?: string;
  /** Send a random nonce, which the token must echo. Default `true`. */
  nonce?: boolean;
  /** Ask for the TSA's certificate in the token (certReq). Default `true`: verifying needs it. */
  certificate?: boolean;
}

/** A TimeStampReq and what its reply must match. */
export interface TimestampRequest {
  /** The DER TimeStampReq, the body of an `application/timestamp-query`. */
  readonly der: Uint8Array;
  readonly hash: HashAlgorithm;
  readonly digest: Uint8Array;
  readonly nonce?: bigint;
  readonly policy?: string;
  readonly certificate: boolean;
}

/**
 * Builds an RFC 3161 TimeStampReq (version 1) over `input`: a SHA-256/384/512 message imprint,
 * a 64-bit nonce and certReq true unless told otherwise.
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM`, `DIGEST_LENGTH_MISMATCH`.
 * @example
 * ```ts
 * const request = createTimestampRequest({ data: signatureValue, hash: 'sha256' });
 * await fetch(url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: request.der });
 * ```
 */
export function createTimestampRequest(input: TimestampInput, options: TimestampRequestOptions = {}): TimestampRequest {
  const { hash, digest } = imprintOf(input);
  const nonce = options.nonce === false ? undefined : randomNonce();
  const certificate = options.certificate ?? true;
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: digestAlgorithmIdentifier(hash),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    ...(options.policy ? { reqPolicy: options.policy } : {}),
    ...(nonce === undefined ? {} : { nonce: asn1js.Integer.fromBigInt(nonce) }),
    // DEFAULT FALSE: DER leaves a false certReq out.
    ...(certificate ? { certReq: true } : {}),
  });
  return {
    der: new Uint8Array(request.toSchema().toBER(false)),
    hash,
    digest,
    ...(nonce === undefined ? {} : { nonce }),
    ...(options.policy ? { policy: options.policy } : {}),
    certificate,
  };
}
