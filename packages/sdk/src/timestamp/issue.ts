import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../algorithms/algorithms.js';
import { digestBytes } from '../digest/file-digest.js';
import { SignetError, throwIfAborted } from '../errors/errors.js';
import type { CallOptions } from '../provider/provider.js';
import type { Signer } from '../provider/signer.js';
import { signatureAlgorithmIdentifier } from '../x509/algorithm-identifier.js';
import { assertCertificateHoldsKey, parseCertificate } from '../x509/certificate.js';
import { digestAlgorithmIdentifier } from '../x509/digest-identifier.js';
import {
  encodeAttributeSet,
  OID_CONTENT_TYPE,
  OID_MESSAGE_DIGEST,
  OID_SIGNED_DATA,
} from '../formats/cms/attributes.js';
import { assertTimestampCertificate } from './tsa-certificate.js';
import { signingCertificateV2 } from './ess.js';
import { OID_TST_INFO } from './oids.js';
import { checkTimestampRequest } from './parse-request.js';
import { encodeStatusInfo, encodeTimestampRefusal, STATUS_GRANTED, type TimestampFailure } from './status.js';
import type { TimestampAccuracy } from './timestamp.js';
import { assertAccuracy, encodeTstInfo } from './tst-info.js';

export interface IssueTimestampOptions extends CallOptions {
  /** The DER TimeStampReq as received. */
  request: Uint8Array;
  /**
   * The TSA's key. Its first certificate is the TSA certificate: extended key usage timeStamping
   * alone, critical (RFC 3161 §2.3). Only the digest of the token's signed attributes goes to it.
   */
  signer: Signer;
  /** The TSA's certificate chain, TSA certificate first. Default: `signer.key.certificates`. */
  certificates?: readonly Uint8Array[];
  /**
   * The token's serial number, unique per TSA. A function is called only once the request is
   * accepted, so a refused request consumes none.
   */
  serialNumber: bigint | (() => bigint | Promise<bigint>);
  /** The TSA policy OID the token is issued under; a request for another is refused. */
  policy: string;
  /** The token's time (genTime). Default: now, read after the serial number. */
  now?: Date;
  /** How far `now` may be off. Default none (left out of the token). */
  accuracy?: TimestampAccuracy;
  /** Imprint hashes served. Default SHA-256, SHA-384 and SHA-512. */
  hashes?: readonly HashAlgorithm[];
}

/** What a TSA answered: a granted token, or a refusal (both are TimeStampResp DER to send). */
export type IssuedTimestamp =
  | {
      readonly granted: true;
      readonly response: Uint8Array;
      readonly serialNumber: bigint;
      readonly time: Date;
      readonly hash: HashAlgorithm;
      readonly imprint: Uint8Array;
    }
  | {
      readonly granted: false;
      readonly response: Uint8Array;
      readonly failure: TimestampFailure;
      readonly reason: string;
    };

/**
 * The timestamp authority's side of RFC 3161, as a pure function: checks a TimeStampReq and
 * answers a TimeStampResp. A granted reply holds a token: a CMS SignedData (version 3) whose
 * content is the DER TSTInfo (id-ct-TSTInfo) and whose one SignerInfo signs contentType,
 * messageDigest and signingCertificateV2 (RFC 5816) with the TSA's key. A request the TSA will not
 * serve gets a rejection with its failure bit (badAlg, badRequest, badDataFormat,
 * unacceptedPolicy, unacceptedExtension), never an exception.
 *
 * @throws SignetError `INVALID_CERTIFICATE` (the TSA certificate is missing, or not a TSA's),
 * `CERTIFICATE_KEY_MISMATCH`, `INVALID_ARGUMENT` (accuracy), and any error of the signer or of
 * `serialNumber`: the TSA itself failed, so the caller answers systemFailure.
 * @example
 * ```ts
 * const issued = await issueTimestamp({ request: body, signer: tsaSigner, serialNumber: () => serials.next(), policy: '1.2.3.4' });
 * return new Response(issued.response, { headers: { 'content-type': 'application/timestamp-reply' } });
 * ```
 */
export async function issueTimestamp(options: IssueTimestampOptions): Promise<IssuedTimestamp> {
  const { signer } = options;
  const checked = checkTimestampRequest(options.request, {
    policy: options.policy,
    ...(options.hashes ? { hashes: options.hashes } : {}),
  });
  if (!checked.ok) {
    const { failure, reason } = checked;
    return { granted: false, response: encodeTimestampRefusal(failure, reason), failure, reason };
  }
  const request = checked.request;
  const chain = options.certificates ?? signer.key.certificates;
  if (chain.length === 0)
    throw new SignetError('INVALID_CERTIFICATE', `The TSA key ${signer.key.uri} has no certificate`, {
      details: { key: signer.key.uri },
    });
  assertCertificateHoldsKey(chain, signer.key.publicKey);
  const certificates = chain.map((der) => parseCertificate(der));
  const tsaCertificate = certificates[0]!;
  assertTimestampCertificate(tsaCertificate);
  if (options.accuracy) assertAccuracy(options.accuracy);
  throwIfAborted(options.signal);

  const serialNumber = typeof options.serialNumber === 'function' ? await options.serialNumber() : options.serialNumber;
  const genTime = options.now ?? new Date();
  const tstInfo = encodeTstInfo({
    policy: options.policy,
    messageImprint: request.messageImprint,
    serialNumber,
    genTime,
    ...(options.accuracy ? { accuracy: options.accuracy } : {}),
    ...(request.nonce ? { nonce: request.nonce } : {}),
    tsa: tsaCertificate.subject,
  });
  const { hash } = signer.algorithm;
  const signed = encodeAttributeSet([
    new pkijs.Attribute({ type: OID_CONTENT_TYPE, values: [new asn1js.ObjectIdentifier({ value: OID_TST_INFO })] }),
    new pkijs.Attribute({
      type: OID_MESSAGE_DIGEST,
      values: [new asn1js.OctetString({ valueHex: digestBytes(hash, tstInfo) })],
    }),
    signingCertificateV2(tsaCertificate, chain[0]!),
  ]);
  const signature = await signer.sign(digestBytes(hash, signed.der), { signal: options.signal });
  const signedData = new pkijs.SignedData({
    // Version 3: the content is not id-data (RFC 5652 §5.1).
    version: 3,
    digestAlgorithms: [digestAlgorithmIdentifier(hash)],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID_TST_INFO,
      eContent: new asn1js.OctetString({ valueHex: tstInfo }),
    }),
    // certReq false: the certificates field MUST be absent (RFC 3161 §2.4.1).
    ...(request.certificate ? { certificates } : {}),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: tsaCertificate.issuer,
          serialNumber: tsaCertificate.serialNumber,
        }),
        digestAlgorithm: digestAlgorithmIdentifier(hash),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signed.attributes }),
        signatureAlgorithm: signatureAlgorithmIdentifier(signer.algorithm),
        signature: new asn1js.OctetString({ valueHex: signature }),
      }),
    ],
  });
  const token = new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: signedData.toSchema(true) });
  const response = new asn1js.Sequence({ value: [encodeStatusInfo(STATUS_GRANTED), token.toSchema()] });
  return {
    granted: true,
    response: new Uint8Array(response.toBER(false)),
    serialNumber,
    time: genTime,
    hash: request.hash,
    imprint: request.digest,
  };
}
