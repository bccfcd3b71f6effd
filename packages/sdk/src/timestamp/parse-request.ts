import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { HASHES, type HashAlgorithm } from '../algorithms/algorithms.js';
import { isWellNested } from '../x509/ber-nesting.js';
import { hashFromIdentifier } from '../x509/digest-identifier.js';
import { oidString } from './oid.js';
import type { TimestampFailure } from './status.js';

/** A TimeStampReq a TSA accepted, with what its token must echo. */
export interface AcceptedTimestampRequest {
  readonly hash: HashAlgorithm;
  readonly digest: Uint8Array;
  /** The request's MessageImprint, echoed as it came (RFC 3161 §2.4.2). */
  readonly messageImprint: pkijs.MessageImprint;
  readonly nonce?: asn1js.Integer;
  /** certReq: put the TSA's certificates in the token. */
  readonly certificate: boolean;
}

export type TimestampRequestCheck =
  | { readonly ok: true; readonly request: AcceptedTimestampRequest }
  | { readonly ok: false; readonly failure: TimestampFailure; readonly reason: string };

export interface CheckTimestampRequestOptions {
  /** The TSA's policy: a request asking for another one is refused (unacceptedPolicy). */
  policy: string;
  /** Imprint hashes served. Default SHA-256, SHA-384 and SHA-512. */
  hashes?: readonly HashAlgorithm[];
}

/**
 * Reads a DER TimeStampReq as a TSA must (RFC 3161 §2.4.1): never throws, and says why a request
 * is refused with the failure to put in the reply: bytes that are not a TimeStampReq
 * (badDataFormat), another version (badRequest), a hash outside `hashes` (badAlg), an imprint of
 * the wrong length (badDataFormat), another policy (unacceptedPolicy), any extension (none is
 * supported: unacceptedExtension).
 */
export function checkTimestampRequest(der: Uint8Array, options: CheckTimestampRequestOptions): TimestampRequestCheck {
  let request: pkijs.TimeStampReq;
  let policy: string | undefined;
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength || !isWellNested(asn1.result)) throw new Error('not DER');
    request = new pkijs.TimeStampReq({ schema: asn1.result });
    // reqPolicy is the request's one OID at the top level; read it with arcs of any size.
    const oid = (asn1.result as asn1js.Sequence).valueBlock.value.find((v) => v instanceof asn1js.ObjectIdentifier);
    policy = oid ? oidString(oid) : undefined;
    if (oid && policy === undefined) throw new Error('bad OID');
  } catch {
    return refuse('badDataFormat', 'The request is not a DER TimeStampReq');
  }
  if (request.version !== 1) return refuse('badRequest', 'Only version 1 requests are served');
  let hash: HashAlgorithm;
  try {
    hash = hashFromIdentifier(request.messageImprint.hashAlgorithm);
  } catch {
    return refuse('badAlg', `The hash ${request.messageImprint.hashAlgorithm.algorithmId || '(none)'} is not served`);
  }
  if (!(options.hashes ?? (Object.keys(HASHES) as HashAlgorithm[])).includes(hash))
    return refuse('badAlg', `The hash ${hash} is not served`);
  const hashed = request.messageImprint.hashedMessage;
  if (hashed.valueBlock.isConstructed || hashed.valueBlock.valueHexView.length !== HASHES[hash].length)
    return refuse('badDataFormat', `A ${hash} imprint is ${HASHES[hash].length} bytes`);
  if (policy !== undefined && policy !== options.policy)
    return refuse('unacceptedPolicy', `This TSA issues under policy ${options.policy} only`);
  if (request.extensions && request.extensions.length > 0)
    return refuse('unacceptedExtension', 'This TSA supports no request extensions');
  return {
    ok: true,
    request: {
      hash,
      digest: new Uint8Array(hashed.valueBlock.valueHexView),
      messageImprint: request.messageImprint,
      ...(request.nonce ? { nonce: request.nonce } : {}),
      certificate: request.certReq === true,
    },
  };
}

function refuse(failure: TimestampFailure, reason: string): TimestampRequestCheck {
  return { ok: false, failure, reason };
}
