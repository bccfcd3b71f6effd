import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { digestBytes } from '../digest/file-digest.js';
import { SignetError, throwIfAborted } from '../errors/errors.js';
import type { Signer } from '../provider/signer.js';
import { signatureAlgorithmIdentifier } from './algorithm-identifier.js';
import { assertCertificateHoldsKey, OID_CODE_SIGNING, parseCertificate } from './certificate.js';
import { canIssueCertificates, certificateExtensions, keyIdentifier, subjectKeyIdentifierOf } from './extensions.js';
import { encodeName, type DistinguishedName } from './name.js';
import { parsePublicKeyInfo } from './public-key-algorithm.js';
import { encodeSerialNumber } from './serial-number.js';
import { encodeTime } from './time.js';

const DAY_MS = 86_400_000;

/** What a certificate says about its subject. */
export interface CertificateOptions {
  /** The subject name, e.g. `{ commonName: 'Acme Release', organization: 'Acme Ltd' }`. */
  subject: DistinguishedName;
  /** How long the certificate is valid, in days from `notBefore`. Default 365. */
  validityDays?: number;
  /** Start of validity. Default: now (whole seconds). */
  notBefore?: Date;
  /** Serial number, big-endian bytes or a bigint, positive. Default: 16 random bytes. */
  serialNumber?: Uint8Array | bigint;
  /**
   * Extended key usage OIDs; an empty list leaves the extension out. Default `[OID_CODE_SIGNING]`
   * (1.3.6.1.5.5.7.3.3) for a leaf, none for a CA. `[OID_TIME_STAMPING]` alone makes a timestamp
   * authority's certificate, whose extension is then critical as RFC 3161 §2.3 requires.
   */
  extendedKeyUsage?: readonly string[];
  /**
   * Issue a CA certificate (basicConstraints cA:TRUE, keyUsage keyCertSign + cRLSign) that can
   * issue others, e.g. a test CA. Default `false`: a code-signing leaf (cA:FALSE, digitalSignature).
   */
  certificateAuthority?: boolean;
  signal?: AbortSignal;
}

/** Who signs a certificate. */
export interface CertificateIssuer {
  /** The issuer's key; it signs the certificate's digest, nothing else. */
  signer: Signer;
  /**
   * The issuer's DER certificate, which must be a CA holding `signer`'s key. Omit it for a
   * self-signed certificate; then `signer` must hold the subject's key.
   */
  certificate?: Uint8Array;
}

export interface IssueCertificateOptions extends CertificateOptions {
  issuer: CertificateIssuer;
}

/**
 * Issues an X.509 v3 certificate for a public key, signed by `options.issuer`. The to-be-signed
 * DER is built here and only its digest goes to the issuer's signer.
 *
 * @param subjectPublicKey the subject's DER SubjectPublicKeyInfo, used as-is (e.g. `key.publicKey`).
 * @returns the DER certificate.
 * @throws SignetError `INVALID_ARGUMENT` (bad subject, validity or serial; a self-signed
 * certificate whose signer holds another key), `INVALID_CERTIFICATE` (an issuer certificate that
 * does not parse or is not a CA), `CERTIFICATE_KEY_MISMATCH`, and any error of the signer.
 * @example
 * ```ts
 * const ca = await issueSelfSignedCertificate(caSigner, { subject: { commonName: 'Test CA' }, certificateAuthority: true });
 * const leaf = await issueCertificate(leafKey.publicKey, {
 *   subject: { commonName: 'Release' },
 *   issuer: { signer: caSigner, certificate: ca },
 * });
 * ```
 */
export async function issueCertificate(
  subjectPublicKey: Uint8Array,
  options: IssueCertificateOptions,
): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  const { signer, certificate: issuerDer } = options.issuer;
  const spki = parsePublicKeyInfo(subjectPublicKey);
  const subject = encodeName(options.subject);
  const ca = options.certificateAuthority ?? false;
  let issuerName = subject;
  let authorityKeyIdentifier = keyIdentifier(spki);
  if (issuerDer) {
    assertCertificateHoldsKey([issuerDer], signer.key.publicKey);
    const issuerCert = parseCertificate(issuerDer);
    if (!canIssueCertificates(issuerCert))
      throw new SignetError('INVALID_CERTIFICATE', 'The issuer certificate is not a CA certificate');
    issuerName = issuerCert.subject;
    authorityKeyIdentifier = subjectKeyIdentifierOf(issuerCert);
  } else if (!Buffer.from(signer.key.publicKey).equals(Buffer.from(subjectPublicKey))) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      'A self-signed certificate must be signed with the subject key; pass the issuer certificate',
    );
  }
  const [notBefore, notAfter] = validity(options);
  const certificate = new pkijs.Certificate({
    version: 2,
    serialNumber: encodeSerialNumber(options.serialNumber),
    signature: signatureAlgorithmIdentifier(signer.algorithm),
    issuer: issuerName,
    notBefore: encodeTime(notBefore),
    notAfter: encodeTime(notAfter),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: certificateExtensions({
      certificateAuthority: ca,
      extendedKeyUsage: options.extendedKeyUsage ?? (ca ? [] : [OID_CODE_SIGNING]),
      subjectKeyIdentifier: keyIdentifier(spki),
      authorityKeyIdentifier,
    }),
    signatureAlgorithm: signatureAlgorithmIdentifier(signer.algorithm),
  });
  const tbs = new Uint8Array(certificate.encodeTBS().toBER(false));
  const signature = await signer.sign(digestBytes(signer.algorithm.hash, tbs), { signal: options.signal });
  certificate.tbsView = tbs;
  certificate.signatureValue = new asn1js.BitString({ valueHex: signature });
  return new Uint8Array(certificate.toSchema(false).toBER(false));
}

/**
 * Issues a self-signed certificate for the signer's own key: by default a code-signing leaf
 * (cA:FALSE, digitalSignature, EKU codeSigning) valid for 365 days from now.
 *
 * @example
 * ```ts
 * const cert = await issueSelfSignedCertificate(signer, { subject: { commonName: 'Acme Release', organization: 'Acme' } });
 * await soft.setCertificates({ key: signer.key.uri, certificates: [cert] });
 * ```
 */
export function issueSelfSignedCertificate(signer: Signer, options: CertificateOptions): Promise<Uint8Array> {
  return issueCertificate(signer.key.publicKey, { ...options, issuer: { signer } });
}

function validity(options: CertificateOptions): [Date, Date] {
  const days = options.validityDays ?? 365;
  const notBefore = options.notBefore ?? new Date();
  if (!(days > 0) || !Number.isFinite(days) || Number.isNaN(notBefore.getTime())) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      'The validity must start at a valid date and last a positive number of days',
    );
  }
  return [notBefore, new Date(notBefore.getTime() + days * DAY_MS)];
}
