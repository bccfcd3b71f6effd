import { timingSafeEqual } from 'node:crypto';
import * as asn1js from 'asn1js';
import { HASHES } from '../algorithms/algorithms.js';
import { digestBytes } from '../digest/file-digest.js';
import { isSignetError, SignetError } from '../errors/errors.js';
import { readSignedAttributes } from '../formats/cms/attributes.js';
import { parseCms } from '../formats/cms/parse.js';
import { findSignerCertificate } from '../formats/cms/signer-certificate.js';
import { algorithmFromIdentifiers } from '../x509/algorithm-identifier.js';
import { describeCertificate } from '../x509/certificate.js';
import { buildTrustedChain } from '../x509/chain.js';
import { hashFromIdentifier } from '../x509/digest-identifier.js';
import { verifySignedBytes } from '../x509/verify-signature.js';
import { checkSigningCertificate } from './ess.js';
import { OID_TST_INFO } from './oids.js';
import { assertTimestampCertificate } from './tsa-certificate.js';
import type { TimestampInfo } from './timestamp.js';
import { readAccuracy, readTstInfo } from './tst-info.js';

export interface VerifyTimestampTokenOptions {
  /**
   * What the token must be over: the bytes, or their digest (with the token's hash). Default: not
   * checked, the imprint is only reported.
   */
  input?: { data: Uint8Array } | { digest: Uint8Array };
  /** The nonce of the request; the token must echo it. */
  nonce?: bigint;
  /** The policy the request asked for; the token must carry it. */
  policy?: string;
  /** DER certificates to trust (TSA roots, or a pinned TSA certificate). Default none: `trusted` is false. */
  trustedCertificates?: readonly Uint8Array[];
}

/** Codes that pass through unchanged; anything else after parsing means the token does not verify. */
const PASS_THROUGH = ['VERIFICATION_FAILED', 'DIGEST_LENGTH_MISMATCH'] as const;

/**
 * Verifies an RFC 3161 timestamp token (a DER CMS ContentInfo): its content is a TSTInfo; its one
 * signer's certificate is in it, is a TSA certificate (EKU timeStamping alone, critical), was valid
 * at the token's time, is named by the signingCertificate(V2) attribute, and verifies the signature
 * over the signed attributes, whose messageDigest is that of the TSTInfo. With `input`, `nonce` and
 * `policy`, the token must also match them; with `trustedCertificates`, its chain must reach one.
 *
 * @throws SignetError `INVALID_FORMAT` (not a token), `VERIFICATION_FAILED` (the message says why).
 * @example
 * ```ts
 * const info = verifyTimestampToken(token, { input: { data: signatureValue }, trustedCertificates: [tsaRoot] });
 * console.log(info.time, info.authority.subject, info.trusted);
 * ```
 */
export function verifyTimestampToken(token: Uint8Array, options: VerifyTimestampTokenOptions = {}): TimestampInfo {
  const { signedData, signerInfo, certificates } = parseCms(token);
  const content = signedData.encapContentInfo;
  if (content.eContentType !== OID_TST_INFO || !content.eContent)
    throw new SignetError('INVALID_FORMAT', 'Not a timestamp token: its content is not a TSTInfo');
  const tstDer = octets(content.eContent);
  const { info, policy } = readTstInfo(tstDer);
  try {
    if (info.version !== 1) throw failed(`The token is TSTInfo version ${info.version}, not 1`);
    const hash = hashFromIdentifier(info.messageImprint.hashAlgorithm);
    const imprint = new Uint8Array(info.messageImprint.hashedMessage.valueBlock.valueHexView);
    if (imprint.length !== HASHES[hash].length) throw failed(`The token's ${hash} imprint is ${imprint.length} bytes`);
    if (options.input) {
      const expected = 'data' in options.input ? digestBytes(hash, options.input.data) : options.input.digest;
      if (expected.length !== imprint.length || !timingSafeEqual(expected, imprint))
        throw failed('The token is over other data (its message imprint differs)');
    }
    const nonce = info.nonce?.toBigInt();
    if (options.nonce !== undefined && nonce !== options.nonce) throw failed('The token does not echo the nonce');
    if (options.policy !== undefined && policy !== options.policy)
      throw failed(`The token is under policy ${policy}, not ${options.policy}`);

    const signer = findSignerCertificate(signerInfo, certificates);
    const signerDer = new Uint8Array(signer.toSchema().toBER(false));
    const authority = describeCertificate(signerDer);
    assertTimestampCertificate(signer, 'VERIFICATION_FAILED');
    if (info.genTime < authority.notBefore || info.genTime > authority.notAfter)
      throw failed(`The TSA certificate of ${authority.subject} was not valid at the token's time`);
    const attributes = readSignedAttributes(signerInfo);
    if (attributes.contentType !== OID_TST_INFO) throw failed('The content type attribute is not id-ct-TSTInfo');
    const algorithm = algorithmFromIdentifiers({
      signature: signerInfo.signatureAlgorithm,
      digest: signerInfo.digestAlgorithm,
      publicKey: signer.subjectPublicKeyInfo,
    });
    const digest = digestBytes(algorithm.hash, tstDer);
    if (digest.length !== attributes.messageDigest.length || !timingSafeEqual(digest, attributes.messageDigest))
      throw failed('The token was changed: its TSTInfo does not match the signed digest');
    checkSigningCertificate(signerInfo, signer, signerDer);
    const signature = signerInfo.signature.valueBlock.valueHexView;
    if (!verifySignedBytes({ algorithm, data: attributes.der, signature, publicKey: authority.publicKey }))
      throw failed(`The token's signature is not valid for the key of ${authority.subject}`);
    const chain = options.trustedCertificates
      ? buildTrustedChain(signerDer, {
          trusted: options.trustedCertificates,
          intermediates: certificates.map((c) => new Uint8Array(c.toSchema().toBER(false))),
          now: info.genTime,
        })
      : undefined;
    const accuracy = readAccuracy(info.accuracy);
    return {
      time: info.genTime,
      ...(accuracy ? { accuracy } : {}),
      serialNumber: info.serialNumber.toBigInt(),
      policy,
      hash,
      imprint,
      ...(nonce === undefined ? {} : { nonce }),
      authority,
      trusted: chain !== undefined,
      chain: (chain ?? []).map((der) => describeCertificate(der)),
    };
  } catch (cause) {
    if (isSignetError(cause, ...PASS_THROUGH)) throw cause;
    throw failed(
      `The timestamp token cannot be verified: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    );
  }
}

/** The bytes of an OCTET STRING, primitive or (BER) constructed from pieces. */
function octets(value: asn1js.OctetString): Uint8Array {
  if (!value.valueBlock.isConstructed) return new Uint8Array(value.valueBlock.valueHexView);
  const pieces = value.valueBlock.value.map((p) => (p instanceof asn1js.OctetString ? octets(p) : new Uint8Array()));
  return new Uint8Array(Buffer.concat(pieces));
}

function failed(message: string, cause?: unknown): SignetError {
  return new SignetError('VERIFICATION_FAILED', message, cause === undefined ? {} : { cause });
}
