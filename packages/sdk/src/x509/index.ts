export { parseCertificate, describeCertificate, formatName, assertCertificateHoldsKey, OID_CODE_SIGNING } from './certificate.js';
export type { CertificateSummary } from './certificate.js';
export { toPem, fromPem, certificatesFrom } from './pem.js';
