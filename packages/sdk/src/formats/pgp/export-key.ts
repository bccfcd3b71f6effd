import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { SignetError } from '../../errors/errors.js';
import type { Signer } from '../../provider/signer.js';
import { assertPgpAlgorithm, HASH_ID } from './algorithm.js';
import { armorPgp } from './armor.js';
import { encodePacket, TAG, u16, u32 } from './packets.js';
import { hex, pgpKeyOf } from './public-key.js';
import { finishSignature, SIGNATURE_TYPE, signatureTime } from './signature.js';
import { encodeSubpacket, SUBPACKET } from './subpackets.js';

export interface PgpExportOptions {
  /** The User ID to bind to the key, conventionally `Name <email>`. Required. */
  userId: string;
  /**
   * The OpenPGP key creation time, part of the fingerprint. Default: the provider's
   * `KeyInfo.createdAt`, else the Unix epoch (see {@link pgpKeyCreationTime}). Pass the same value
   * to {@link signPgpDetached}.
   */
  keyCreatedAt?: Date;
  /** Creation time of the User ID self-signature. Default: now. */
  signedAt?: Date;
  signal?: AbortSignal;
}

/** An exported OpenPGP public key. */
export interface PgpPublicKey {
  /** `-----BEGIN PGP PUBLIC KEY BLOCK-----`, what `gpg --import` and `sq --signer-cert` read. */
  readonly armored: string;
  /** The same packets, binary. */
  readonly binary: Uint8Array;
  /** v4 fingerprint, 40 uppercase hex digits, as gpg prints it. */
  readonly fingerprint: string;
  /** Long key ID, 16 uppercase hex digits. */
  readonly keyId: string;
  /** The key creation time written in the key. */
  readonly createdAt: Date;
}

/** Key flags (RFC 9580 §5.2.3.29): certify (0x01) and sign data (0x02). */
const CERTIFY_AND_SIGN = 0x03;

/**
 * Exports a provider key as an OpenPGP v4 public key: the public-key packet, one User ID packet and
 * its positive certification (0x13) with creation time, key flags (certify, sign), preferred
 * hashes and issuer fingerprint, signed through `signer` like any other digest.
 *
 * @throws SignetError `INVALID_ARGUMENT` (User ID, dates), `UNSUPPORTED_ALGORITHM` (RSA-PSS; key
 * types OpenPGP cannot carry), and any error of the signer.
 * @example
 * ```ts
 * const signer = await createSigner(provider, 'soft://release');
 * const key = await exportPgpPublicKey(signer, { userId: 'Release <release@example.com>' });
 * await writeFile('release.asc', key.armored);
 * ```
 */
export async function exportPgpPublicKey(signer: Signer, options: PgpExportOptions): Promise<PgpPublicKey> {
  assertPgpAlgorithm(signer.algorithm);
  const userId = encodeUserId(options.userId);
  const key = pgpKeyOf(signer.key, options.keyCreatedAt);
  const signedAt = signatureTime(key, options.signedAt);
  const hash = createHash(signer.algorithm.hash);
  hash.update(Buffer.concat([Buffer.from([0x99]), u16(key.body.length), key.body]));
  hash.update(Buffer.concat([Buffer.from([0xb4]), u32(userId.length), userId]));
  const certification = await finishSignature(signer, hash, {
    type: SIGNATURE_TYPE.positiveCertification,
    createdAt: signedAt,
    key,
    hashed: [
      encodeSubpacket(SUBPACKET.keyFlags, Buffer.from([CERTIFY_AND_SIGN])),
      encodeSubpacket(SUBPACKET.preferredHashes, preferredHashes(signer.algorithm.hash)),
    ],
    signal: options.signal,
  });
  const binary = Buffer.concat([
    encodePacket(TAG.publicKey, key.body),
    encodePacket(TAG.userId, userId),
    certification,
  ]);
  return {
    armored: armorPgp('PGP PUBLIC KEY BLOCK', binary),
    binary: new Uint8Array(binary),
    fingerprint: hex(key.fingerprint),
    keyId: hex(key.keyId),
    createdAt: key.createdAt,
  };
}

/** The signer's own hash first, then the others from strongest. */
function preferredHashes(own: HashAlgorithm): Buffer {
  const order: HashAlgorithm[] = [own, 'sha512', 'sha384', 'sha256'];
  return Buffer.from([...new Set(order)].map((h) => HASH_ID[h]));
}

function encodeUserId(userId: unknown): Buffer {
  // Control characters (a newline above all) would garble every tool's listing of the key.
  if (typeof userId !== 'string' || userId.trim() === '' || /[\u0000-\u001f\u007f]/.test(userId)) {
    throw new SignetError('INVALID_ARGUMENT', 'The User ID must be one line of text, like "Name <email>"');
  }
  const bytes = Buffer.from(userId, 'utf8');
  if (bytes.length > 2048) throw new SignetError('INVALID_ARGUMENT', 'The User ID is longer than 2048 bytes');
  return bytes;
}
