import * as pkijs from 'pkijs';
import { SignetError, type SignetErrorCode } from '../errors/errors.js';
import { formatName, parseCertificate } from '../x509/certificate.js';
import { OID_TIME_STAMPING } from './oids.js';

const OID_EXTENDED_KEY_USAGE = '2.5.29.37';

/**
 * Whether a certificate may sign timestamp tokens: RFC 3161 §2.3 wants exactly one extended key
 * usage extension, critical, whose only purpose is timeStamping. OpenSSL's `ts -verify` checks the
 * same, so a TSA that signs with another certificate makes tokens nobody accepts.
 *
 * @throws SignetError with `code` (`INVALID_CERTIFICATE` by default) saying what is missing;
 * `INVALID_CERTIFICATE` for DER that is not a certificate.
 * @example assertTimestampCertificate(tsaKey.certificates[0]!)
 */
export function assertTimestampCertificate(
  certificate: pkijs.Certificate | Uint8Array,
  code: SignetErrorCode = 'INVALID_CERTIFICATE',
): void {
  if (certificate instanceof Uint8Array) certificate = parseCertificate(certificate);
  const found = certificate.extensions?.filter((e) => e.extnID === OID_EXTENDED_KEY_USAGE) ?? [];
  const eku = found[0]?.parsedValue as unknown;
  const purposes = eku instanceof pkijs.ExtKeyUsage ? eku.keyPurposes : [];
  if (found.length !== 1 || !found[0]!.critical || purposes.length !== 1 || purposes[0] !== OID_TIME_STAMPING) {
    throw new SignetError(
      code,
      `The certificate of ${formatName(certificate.subject)} is not a TSA certificate: its extended key usage must be timeStamping alone, critical`,
    );
  }
}
