import { createHash, createPublicKey } from 'node:crypto';
import type { NamedCurve } from '../../algorithms/algorithms.js';
import { SignetError } from '../../errors/errors.js';
import type { KeyInfo } from '../../provider/provider.js';
import { CURVE_OID, PUBLIC_KEY_ALGORITHM } from './algorithm.js';
import { encodeMpi } from './mpi.js';
import { u16, u32 } from './packets.js';
import { pgpSeconds } from './time.js';

/** A provider key as an OpenPGP v4 primary key. */
export interface PgpKey {
  /** The v4 public-key packet body (RFC 9580 §5.5.2). */
  readonly body: Buffer;
  /** SHA-1 over `0x99 ‖ length ‖ body` (RFC 9580 §5.5.4.2), 20 octets. */
  readonly fingerprint: Buffer;
  /** The low 8 octets of the fingerprint. */
  readonly keyId: Buffer;
  /** The key creation time in the packet, whole seconds. */
  readonly createdAt: Date;
}

/**
 * The OpenPGP creation time of a provider key. It is part of the fingerprint, so it must be the
 * same at every export and every signature, or verifiers see a different key. In order:
 *
 * 1. `override`, when the caller gives one (to match a key already published with another time);
 * 2. `KeyInfo.createdAt`, when the provider records it (software keys, the cloud KMSs): stable for
 *    the key's whole life;
 * 3. otherwise the Unix epoch (1970-01-01T00:00:00Z), a constant that needs no storage. The key's
 *    certificate notBefore was the other candidate, but renewing the certificate would change the
 *    OpenPGP key; and "now" would make a new key at every export.
 */
export function pgpKeyCreationTime(key: Pick<KeyInfo, 'uri' | 'createdAt'>, override?: Date): Date {
  const date = override ?? key.createdAt ?? new Date(0);
  return new Date(pgpSeconds(date, 'keyCreatedAt') * 1000);
}

/**
 * Builds the OpenPGP v4 public key of a provider key from its SPKI: RSA as n and e (algorithm 1),
 * ECDSA as the curve OID and the uncompressed point (algorithm 19, RFC 6637).
 *
 * @throws SignetError `INVALID_ARGUMENT` for a public key that does not parse,
 * `UNSUPPORTED_ALGORITHM` for a key type OpenPGP v4 cannot carry here.
 */
export function pgpKeyOf(key: Pick<KeyInfo, 'uri' | 'publicKey' | 'createdAt'>, keyCreatedAt?: Date): PgpKey {
  const createdAt = pgpKeyCreationTime(key, keyCreatedAt);
  const body = Buffer.concat([
    Buffer.from([4]),
    u32(createdAt.getTime() / 1000),
    publicKeyMaterial(key.uri, key.publicKey),
  ]);
  const fingerprint = createHash('sha1')
    .update(Buffer.concat([Buffer.from([0x99]), u16(body.length), body]))
    .digest();
  return { body, fingerprint, keyId: fingerprint.subarray(12), createdAt };
}

function publicKeyMaterial(uri: string, spki: Uint8Array): Buffer {
  let jwk;
  try {
    jwk = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  } catch (cause) {
    throw new SignetError('INVALID_ARGUMENT', `The public key of ${uri} is not a DER SubjectPublicKeyInfo`, {
      cause,
    });
  }
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64url');
  if (jwk.kty === 'RSA') {
    return Buffer.concat([Buffer.from([PUBLIC_KEY_ALGORITHM.rsa]), encodeMpi(b64(jwk.n)), encodeMpi(b64(jwk.e))]);
  }
  const oid = CURVE_OID[jwk.crv as NamedCurve];
  if (jwk.kty === 'EC' && oid) {
    const point = Buffer.concat([Buffer.from([4]), b64(jwk.x), b64(jwk.y)]);
    const oidBytes = Buffer.from(oid, 'hex');
    return Buffer.concat([Buffer.from([PUBLIC_KEY_ALGORITHM.ecdsa, oidBytes.length]), oidBytes, encodeMpi(point)]);
  }
  throw new SignetError('UNSUPPORTED_ALGORITHM', `OpenPGP export supports RSA and NIST P-256/384/521 keys`, {
    details: { key: uri, type: jwk.kty, curve: jwk.crv },
  });
}

/** Uppercase hex, as gpg and sq print fingerprints and key IDs. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
