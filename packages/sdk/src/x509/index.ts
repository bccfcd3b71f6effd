export {
  parseCertificate,
  describeCertificate,
  formatName,
  assertCertificateHoldsKey,
  OID_CODE_SIGNING,
} from './certificate.js';
export type { CertificateSummary } from './certificate.js';
export { toPem, fromPem, certificatesFrom } from './pem.js';
export { signatureAlgorithmIdentifier, algorithmFromIdentifiers } from './algorithm-identifier.js';
export type { SignatureIdentifiers } from './algorithm-identifier.js';
export { digestAlgorithmIdentifier, hashFromIdentifier } from './digest-identifier.js';
export type { DigestIdentifierOptions } from './digest-identifier.js';
export {
  OID_RSA_ENCRYPTION,
  OID_RSASSA_PSS,
  OID_MGF1,
  OID_EC_PUBLIC_KEY,
  PKCS1_SIGNATURE_OIDS,
  ECDSA_SIGNATURE_OIDS,
} from './algorithm-oids.js';
export { issueCertificate, issueSelfSignedCertificate } from './issue.js';
export { OID_TIME_STAMPING } from './extensions.js';
export { createCertificateRequest } from './request.js';
export type { CertificateRequestOptions } from './request.js';
export type { CertificateOptions, CertificateIssuer, IssueCertificateOptions } from './issue.js';
export type { DistinguishedName } from './name.js';
export { buildTrustedChain } from './chain.js';
export type { TrustedChainOptions } from './chain.js';
export { verifySignedBytes } from './verify-signature.js';
export type { SignedBytes } from './verify-signature.js';
