/**
 * `@signet/sdk/formats/authenticode`: Authenticode signatures for PE files (EXE, DLL; PE32 and
 * PE32+) that `osslsigncode verify` and Windows accept. Signing streams the file once and sends only
 * the digest of the signed attributes to the signer; a timestamp is an RFC 3161 token.
 *
 * @packageDocumentation
 */
export { signAuthenticode } from './sign-authenticode.js';
export type { AuthenticodeFiles, AuthenticodeSignOptions, AuthenticodeSignResult } from './sign-authenticode.js';
export { readPeLayout } from './pe-file.js';
export type { PeLayout } from './pe-file.js';
export { peDigest } from './pe-digest.js';
export type { PeDigestOptions } from './pe-digest.js';
export { verifyAuthenticode } from './verify-authenticode.js';
export type {
  AuthenticodeSignature,
  AuthenticodeVerification,
  AuthenticodeVerifyOptions,
} from './verify-authenticode.js';
