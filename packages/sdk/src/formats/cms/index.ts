/**
 * `@signet/sdk/formats/cms`: detached CMS/PKCS#7 signatures (`.p7s`) that `openssl cms -verify`
 * checks. Signing needs only the artifact's digest and a {@link Signer} whose key has a certificate;
 * with `timestamp`, the signature also carries an RFC 3161 token (see `@signet/sdk/timestamp`).
 *
 * @packageDocumentation
 */
export { signCms } from './sign.js';
export type { CmsSignInput, CmsSignOptions } from './sign.js';
export { verifyCms } from './verify.js';
export type { CmsVerifyInput, CmsVerifyOptions, CmsVerification } from './verify.js';
export { cmsToPem, decodeCms } from './armor.js';
export type { CmsTimestamper } from './timestamp-attribute.js';
