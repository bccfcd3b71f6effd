import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { digestAlgorithmIdentifier } from '../../x509/digest-identifier.js';

export const OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4';
export const OID_SPC_STATEMENT_TYPE = '1.3.6.1.4.1.311.2.1.11';
export const OID_SPC_SP_OPUS_INFO = '1.3.6.1.4.1.311.2.1.12';
const OID_SPC_PE_IMAGE_DATA = '1.3.6.1.4.1.311.2.1.15';
const OID_INDIVIDUAL_CODE_SIGNING = '1.3.6.1.4.1.311.2.1.21';
/** Microsoft's unsigned attribute for an RFC 3161 timestamp token (what osslsigncode and signtool write). */
export const OID_SPC_RFC3161_TIMESTAMP = '1.3.6.1.4.1.311.3.3.1';
/** Unsigned attribute carrying a further, nested Authenticode signature. */
export const OID_SPC_NESTED_SIGNATURE = '1.3.6.1.4.1.311.2.4.1';

/**
 * SpcIndirectDataContent for a PE image (Authenticode spec, "SpcIndirectDataContent"):
 * SpcPeImageData with empty flags and the obsolete file link every signer writes, and the image's
 * DigestInfo (hash identifier with NULL parameters).
 */
export function spcIndirectDataContent(hash: HashAlgorithm, digest: Uint8Array): asn1js.Sequence {
  const obsolete = new asn1js.Primitive({
    idBlock: { tagClass: 3, tagNumber: 0 },
    valueHex: Buffer.from('<<<Obsolete>>>', 'utf16le').swap16(),
  });
  const peImageData = new asn1js.Sequence({
    value: [new asn1js.BitString({ valueHex: new ArrayBuffer(0) }), explicit(0, explicit(2, obsolete))],
  });
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_SPC_PE_IMAGE_DATA }), peImageData] }),
      new asn1js.Sequence({
        value: [
          digestAlgorithmIdentifier(hash, { nullParameters: true }).toSchema(),
          new asn1js.OctetString({ valueHex: digest }),
        ],
      }),
    ],
  });
}

/** The bytes messageDigest covers: the content of the SEQUENCE, without its tag and length. */
export function spcContentBytes(der: Uint8Array): Uint8Array {
  let at = 1;
  const first = der[at++]!;
  if (first & 0x80) at += first & 0x7f;
  return der.subarray(at);
}

/** Options for the signed attributes beyond contentType and messageDigest. */
export interface OpusInfo {
  /** Shown by Windows as the program name. */
  description?: string;
  /** A URL with more information on the program. */
  url?: string;
}

/** SpcStatementType (individual code signing) and SpcSpOpusInfo. */
export function authenticodeAttributes(opus: OpusInfo): pkijs.Attribute[] {
  const fields: asn1js.BaseBlock[] = [];
  if (opus.description !== undefined) {
    const name = new asn1js.Primitive({
      idBlock: { tagClass: 3, tagNumber: 0 },
      valueHex: Buffer.from(opus.description, 'utf16le').swap16(),
    });
    fields.push(explicit(0, name));
  }
  if (opus.url !== undefined) {
    const url = new asn1js.Primitive({
      idBlock: { tagClass: 3, tagNumber: 0 },
      valueHex: Buffer.from(opus.url, 'ascii'),
    });
    fields.push(explicit(1, url));
  }
  return [
    new pkijs.Attribute({
      type: OID_SPC_STATEMENT_TYPE,
      values: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_INDIVIDUAL_CODE_SIGNING })] })],
    }),
    new pkijs.Attribute({ type: OID_SPC_SP_OPUS_INFO, values: [new asn1js.Sequence({ value: fields })] }),
  ];
}

function explicit(tagNumber: number, inner: asn1js.BaseBlock): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value: [inner] });
}
