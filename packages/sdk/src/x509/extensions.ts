import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const OID_KEY_USAGE = '2.5.29.15';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const OID_EXTENDED_KEY_USAGE = '2.5.29.37';
/** id-kp-timeStamping (RFC 5280 §4.2.1.12). */
export const OID_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** KeyUsage bits as the first octet of the BIT STRING (bit 0 is the most significant). */
const DIGITAL_SIGNATURE = 0x80;
const KEY_CERT_SIGN = 0x04;
const CRL_SIGN = 0x02;

export interface ExtensionProfile {
  /** CA: `basicConstraints` cA and keyCertSign + cRLSign; otherwise cA false and digitalSignature. */
  certificateAuthority: boolean;
  /** EKU purpose OIDs; empty leaves the extension out. */
  extendedKeyUsage: readonly string[];
  subjectKeyIdentifier: Uint8Array;
  authorityKeyIdentifier: Uint8Array;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING (without the unused-bits octet). */
export function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

/** The certificate's subjectKeyIdentifier, or one computed from its key when it has none. */
export function subjectKeyIdentifierOf(cert: pkijs.Certificate): Uint8Array {
  const value = findExtension(cert, OID_SUBJECT_KEY_IDENTIFIER)?.parsedValue as unknown;
  return value instanceof asn1js.OctetString
    ? new Uint8Array(value.valueBlock.valueHexView)
    : keyIdentifier(cert.subjectPublicKeyInfo);
}

/** Whether `cert` may sign certificates: basicConstraints cA, and keyCertSign if it has a keyUsage. */
export function canIssueCertificates(cert: pkijs.Certificate): boolean {
  const constraints = findExtension(cert, OID_BASIC_CONSTRAINTS)?.parsedValue as unknown;
  const usage = findExtension(cert, OID_KEY_USAGE)?.parsedValue as unknown;
  const keyCertSign =
    !(usage instanceof asn1js.BitString) || ((usage.valueBlock.valueHexView[0] ?? 0) & KEY_CERT_SIGN) !== 0;
  return constraints instanceof pkijs.BasicConstraints && constraints.cA && keyCertSign;
}

/** The v3 extensions of a Signet certificate, in the order OpenSSL prints them. */
export function certificateExtensions(profile: ExtensionProfile): pkijs.Extension[] {
  const ca = profile.certificateAuthority;
  // DER drops trailing zero bits of a named bit list (X.690 §11.2.2): 7 unused for digitalSignature, 1 for the CA bits.
  const usage = new asn1js.BitString({
    unusedBits: ca ? 1 : 7,
    valueHex: Uint8Array.of(ca ? KEY_CERT_SIGN | CRL_SIGN : DIGITAL_SIGNATURE),
  });
  const extensions = [
    extension(OID_BASIC_CONSTRAINTS, true, new pkijs.BasicConstraints({ cA: ca }).toSchema()),
    extension(OID_KEY_USAGE, true, usage),
  ];
  if (profile.extendedKeyUsage.length > 0) {
    const eku = new pkijs.ExtKeyUsage({ keyPurposes: [...profile.extendedKeyUsage] });
    // RFC 3161 §2.3: a TSA certificate's EKU is timeStamping alone and critical (OpenSSL checks both).
    const timeStampingOnly = profile.extendedKeyUsage.every((oid) => oid === OID_TIME_STAMPING);
    extensions.push(extension(OID_EXTENDED_KEY_USAGE, timeStampingOnly, eku.toSchema()));
  }
  extensions.push(
    extension(OID_SUBJECT_KEY_IDENTIFIER, false, new asn1js.OctetString({ valueHex: profile.subjectKeyIdentifier })),
  );
  const aki = new pkijs.AuthorityKeyIdentifier({
    keyIdentifier: new asn1js.OctetString({ valueHex: profile.authorityKeyIdentifier }),
  });
  extensions.push(extension(OID_AUTHORITY_KEY_IDENTIFIER, false, aki.toSchema()));
  return extensions;
}

function extension(
  extnID: string,
  critical: boolean,
  value: { toBER(sizeOnly?: boolean): ArrayBuffer },
): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

function findExtension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}
