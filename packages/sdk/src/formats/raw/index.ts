export { signRaw, verifyRaw, encodeBase64, decodeSignature } from './raw.js';
export type { RawSignInput } from './raw.js';
export { verifyDigestSignature } from './verify-digest.js';
export type { VerifyDigestParams } from './verify-digest.js';
