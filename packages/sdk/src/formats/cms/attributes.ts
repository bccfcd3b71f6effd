import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignetError } from '../../errors/errors.js';
import { encodeTime } from '../../x509/time.js';

export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

/** The signed attributes Signet writes and reads (RFC 5652 §11). */
export interface SignedAttributeValues {
  /** Content type OID; `id-data` for a detached signature over a file. */
  readonly contentType: string;
  /** The artifact's digest. */
  readonly messageDigest: Uint8Array;
  /** When the signer says it signed; absent when the signature carries none. */
  readonly signingTime?: Date;
}

/**
 * Encodes signed attributes. Returns them for the SignerInfo and, as `der`, the DER SET (tag 0x31)
 * whose digest is signed. The attributes are sorted as DER sorts a SET OF (X.690 §11.6), so the
 * [0] IMPLICIT field pkijs writes carries the same bytes.
 */
export function encodeSignedAttributes(values: SignedAttributeValues): {
  attributes: pkijs.Attribute[];
  der: Uint8Array;
} {
  const attributes = [
    new pkijs.Attribute({
      type: OID_CONTENT_TYPE,
      values: [new asn1js.ObjectIdentifier({ value: values.contentType })],
    }),
    new pkijs.Attribute({
      type: OID_MESSAGE_DIGEST,
      values: [new asn1js.OctetString({ valueHex: values.messageDigest })],
    }),
  ];
  if (values.signingTime) {
    attributes.push(
      new pkijs.Attribute({ type: OID_SIGNING_TIME, values: [encodeTime(values.signingTime).toSchema()] }),
    );
  }
  return encodeAttributeSet(attributes);
}

/**
 * Sorts attributes as DER sorts a SET OF and returns them with the DER SET (tag 0x31) whose digest
 * a signer signs. For signed attributes beyond the usual three (a timestamp token's ESS attribute).
 */
export function encodeAttributeSet(attributes: readonly pkijs.Attribute[]): {
  attributes: pkijs.Attribute[];
  der: Uint8Array;
} {
  const encoded = attributes.map((a) => ({ attribute: a, der: Buffer.from(a.toSchema().toBER(false)) }));
  encoded.sort((a, b) => compareDer(a.der, b.der));
  const der = new asn1js.Set({ value: encoded.map((e) => e.attribute.toSchema()) }).toBER(false);
  return { attributes: encoded.map((e) => e.attribute), der: new Uint8Array(der) };
}

/**
 * Reads the signed attributes of a parsed SignerInfo, with the bytes to verify: the attributes as
 * received, re-tagged as a SET (RFC 5652 §5.4), never re-encoded.
 *
 * @throws SignetError `VERIFICATION_FAILED` when they are missing, repeated or malformed.
 */
export function readSignedAttributes(signerInfo: pkijs.SignerInfo): SignedAttributeValues & { der: Uint8Array } {
  const signed = signerInfo.signedAttrs;
  if (!signed || signed.attributes.length === 0) throw failed('The signature has no signed attributes');
  const single = (type: string, name: string, required: boolean): unknown => {
    const found = signed.attributes.filter((a) => a.type === type);
    if (found.length > 1 || (found.length === 1 && found[0]!.values.length !== 1))
      throw failed(`The ${name} attribute must have exactly one value`);
    if (required && found.length === 0) throw failed(`The signature has no ${name} attribute`);
    return found[0]?.values[0];
  };
  const contentType = single(OID_CONTENT_TYPE, 'content type', true);
  const messageDigest = single(OID_MESSAGE_DIGEST, 'message digest', true);
  const signingTime = single(OID_SIGNING_TIME, 'signing time', false);
  if (!(contentType instanceof asn1js.ObjectIdentifier)) throw failed('The content type attribute is not an OID');
  if (!(messageDigest instanceof asn1js.OctetString))
    throw failed('The message digest attribute is not an OCTET STRING');
  // GeneralizedTime extends UTCTime in asn1js; both convert with toDate.
  const time = signingTime instanceof asn1js.UTCTime ? signingTime.toDate() : undefined;
  if (signingTime !== undefined && !(time && Number.isFinite(time.getTime())))
    throw failed('The signing time attribute is not a time');
  return {
    der: new Uint8Array(signed.encodedValue),
    contentType: contentType.valueBlock.toString(),
    messageDigest: new Uint8Array(messageDigest.valueBlock.valueHexView),
    ...(time ? { signingTime: time } : {}),
  };
}

/** DER order of SET OF elements: as octet strings, the shorter padded with zeros at the end. */
function compareDer(a: Buffer, b: Buffer): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function failed(message: string): SignetError {
  return new SignetError('VERIFICATION_FAILED', message);
}
