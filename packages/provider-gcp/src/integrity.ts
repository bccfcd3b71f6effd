import { SignetError } from '@signet/sdk';
import { crc32c } from './crc32c.js';

/*
 * Cloud KMS's end-to-end integrity fields. We send `digestCrc32c`; the answer says whether the
 * service checked it (`verifiedDigestCrc32c`), names the key version that signed, and carries
 * `signatureCrc32c`. Any mismatch means corruption between us and the service: the answer is
 * discarded and the call fails UNAVAILABLE, which `withRetries` retries a bounded number of times,
 * as Google's guidance asks. A signature that failed a check is never returned.
 */

/** An `Int64Value` as gax decodes it: `{ value: '123' }`, or null when absent. */
type Int64Value = { value?: string | number | null } | null | undefined;

export interface SignResponse {
  signature?: Uint8Array | string | null;
  signatureCrc32c?: Int64Value;
  verifiedDigestCrc32c?: boolean | null;
  name?: string | null;
}

export interface PublicKeyResponse {
  pem?: string | null;
  pemCrc32c?: Int64Value;
  name?: string | null;
  algorithm?: string | number | null;
}

/** The UNAVAILABLE (retryable) error for an answer that failed a check. */
export function integrityError(resource: string, field: string, what: string): SignetError {
  return new SignetError('UNAVAILABLE', `Cloud KMS's answer for ${resource} failed its integrity check: ${what}`, {
    details: { resource, integrity: field },
  });
}

function checksumMatches(data: Uint8Array | string, expected: Int64Value): boolean {
  const value = expected?.value;
  return value !== undefined && value !== null && String(value) === String(crc32c(data));
}

/** The signature of an AsymmetricSign answer for `name`, once every integrity field checks out. */
export function checkedSignature(response: SignResponse, name: string): Uint8Array {
  if (response.verifiedDigestCrc32c !== true) {
    throw integrityError(name, 'verifiedDigestCrc32c', 'the service did not receive or verify the digest checksum');
  }
  if (response.name !== name) {
    throw integrityError(name, 'name', `the answer is for "${String(response.name)}"`);
  }
  const signature =
    typeof response.signature === 'string'
      ? Buffer.from(response.signature, 'base64')
      : new Uint8Array(response.signature ?? []);
  if (signature.length === 0 || !checksumMatches(signature, response.signatureCrc32c)) {
    throw integrityError(name, 'signatureCrc32c', 'the signature does not match its CRC32C');
  }
  return signature;
}

/** The PEM of a GetPublicKey answer for `name`, once its name and CRC32C check out. */
export function checkedPem(response: PublicKeyResponse, name: string): string {
  if (response.name !== name) {
    throw integrityError(name, 'name', `the public key is for "${String(response.name)}"`);
  }
  const pem = response.pem ?? '';
  if (!pem || !checksumMatches(pem, response.pemCrc32c)) {
    throw integrityError(name, 'pemCrc32c', 'the public key does not match its CRC32C');
  }
  return pem;
}
