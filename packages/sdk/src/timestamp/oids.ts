/*
 * The object identifiers of RFC 3161 timestamps, in one place: the token's content type, the
 * attributes that bind its signer's certificate (RFC 2634, RFC 5035 as RFC 5816 allows) and the
 * unsigned attribute that carries a token inside another signature (RFC 3161 Appendix A).
 */

/** id-ct-TSTInfo: the eContentType of a timestamp token. */
export const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
/** id-aa-signingCertificate (ESSCertID, SHA-1 certificate hash). */
export const OID_SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
/** id-aa-signingCertificateV2 (ESSCertIDv2, any hash; SHA-256 by default). */
export const OID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
/** id-aa-timeStampToken: a token over a SignerInfo's signature value, as an unsigned attribute. */
export const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';
export { OID_TIME_STAMPING } from '../x509/extensions.js';
