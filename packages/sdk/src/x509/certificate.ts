import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignetError } from '../errors/errors.js';
import { isWellNested } from './ber-nesting.js';

/** The facts of a certificate a person or a policy looks at. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  /** Serial number, lowercase hex. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKey: Uint8Array;
  /** Extended key usage OIDs (e.g. 1.3.6.1.5.5.7.3.3 for code signing); empty when absent. */
  readonly extendedKeyUsage: readonly string[];
  readonly selfSigned: boolean;
  /** SHA-256 of the DER certificate, lowercase hex. */
  readonly fingerprint: string;
}

export const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

const RDN_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'E',
};

/**
 * Parses a DER certificate with pkijs.
 *
 * @throws SignetError `INVALID_CERTIFICATE`
 */
export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) throw new Error(asn1.result.error || 'trailing bytes');
    if (!isWellNested(asn1.result)) throw new Error('an element runs past the end of the element that holds it');
    return new pkijs.Certificate({ schema: asn1.result });
  } catch (cause) {
    throw new SignetError('INVALID_CERTIFICATE', 'Not a DER X.509 certificate', { cause });
  }
}

/**
 * Formats an X.500 name the RFC 4514 way, most specific first: `CN=Release, O=Acme, C=DE` for a
 * name encoded as C, O, CN.
 */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${RDN_NAMES[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value)}`)
    .reverse()
    .join(', ');
}

/** Summarises a DER certificate. @throws SignetError `INVALID_CERTIFICATE` */
export function describeCertificate(der: Uint8Array): CertificateSummary {
  const cert = parseCertificate(der);
  const eku = cert.extensions?.find((e) => e.extnID === '2.5.29.37')?.parsedValue as pkijs.ExtKeyUsage | undefined;
  const subject = formatName(cert.subject);
  const issuer = formatName(cert.issuer);
  return {
    subject,
    issuer,
    serialNumber: Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex'),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    publicKey: new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER()),
    extendedKeyUsage: eku?.keyPurposes ?? [],
    selfSigned: Buffer.from(cert.subject.toSchema().toBER()).equals(Buffer.from(cert.issuer.toSchema().toBER())),
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

/**
 * Checks a chain before it is attached to a key: every certificate parses, and the first one
 * certifies `publicKey` (DER SPKI).
 *
 * @throws SignetError `INVALID_CERTIFICATE`, `CERTIFICATE_KEY_MISMATCH`
 */
export function assertCertificateHoldsKey(certificates: readonly Uint8Array[], publicKey: Uint8Array): void {
  if (certificates.length === 0) throw new SignetError('INVALID_CERTIFICATE', 'The certificate chain is empty');
  const summaries = certificates.map((c) => describeCertificate(c));
  if (!Buffer.from(summaries[0]!.publicKey).equals(Buffer.from(publicKey))) {
    throw new SignetError(
      'CERTIFICATE_KEY_MISMATCH',
      `The certificate for ${summaries[0]!.subject} does not hold this key's public key`,
    );
  }
}
