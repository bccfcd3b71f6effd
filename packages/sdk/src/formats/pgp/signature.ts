import type { Hash } from 'node:crypto';
import { CURVES } from '../../algorithms/algorithms.js';
import { ecdsaDerToRaw } from '../../algorithms/ecdsa-encoding.js';
import { SignetError, throwIfAborted } from '../../errors/errors.js';
import type { Signer } from '../../provider/signer.js';
import { assertPgpAlgorithm, HASH_ID, PUBLIC_KEY_ALGORITHM } from './algorithm.js';
import { encodeMpi } from './mpi.js';
import { encodePacket, TAG, u16, u32 } from './packets.js';
import type { PgpKey } from './public-key.js';
import { encodeSubpacket, SUBPACKET } from './subpackets.js';
import { pgpSeconds } from './time.js';

/** Signature types used here (RFC 9580 §5.2.1). */
export const SIGNATURE_TYPE = { binary: 0x00, positiveCertification: 0x13 } as const;

export interface SignatureParams {
  readonly type: number;
  /** The signature creation time (whole seconds). */
  readonly createdAt: Date;
  /** The signing key, named in the issuer subpackets. */
  readonly key: PgpKey;
  /** Hashed subpackets besides creation time and issuer fingerprint, which are always there. */
  readonly hashed?: readonly Uint8Array[];
  readonly signal?: AbortSignal | undefined;
}

/**
 * Completes a v4 signature (RFC 9580 §5.2.3, §5.2.4): `hash` already holds the signed data; the
 * signature's own hashed part and the trailer `04 FF ‖ length` go into the same context, and only
 * the final digest reaches `signer`. The issuer key ID goes unhashed, for verifiers that predate
 * the issuer fingerprint subpacket.
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM` for RSA-PSS, `ABORTED`, and any error of the signer.
 */
export async function finishSignature(signer: Signer, hash: Hash, params: SignatureParams): Promise<Buffer> {
  const { algorithm } = signer;
  assertPgpAlgorithm(algorithm);
  const hashedArea = Buffer.concat([
    encodeSubpacket(SUBPACKET.creationTime, u32(pgpSeconds(params.createdAt, 'signedAt'))),
    ...(params.hashed ?? []),
    encodeSubpacket(SUBPACKET.issuerFingerprint, Buffer.concat([Buffer.from([4]), params.key.fingerprint])),
  ]);
  const pkAlgorithm = algorithm.scheme === 'ecdsa' ? PUBLIC_KEY_ALGORITHM.ecdsa : PUBLIC_KEY_ALGORITHM.rsa;
  const head = Buffer.concat([
    Buffer.from([4, params.type, pkAlgorithm, HASH_ID[algorithm.hash]]),
    u16(hashedArea.length),
    hashedArea,
  ]);
  hash.update(head);
  hash.update(Buffer.concat([Buffer.from([4, 0xff]), u32(head.length)]));
  const digest = hash.digest();
  throwIfAborted(params.signal);
  const signature = await signer.sign(digest, { signal: params.signal });
  const unhashedArea = encodeSubpacket(SUBPACKET.issuerKeyId, params.key.keyId);
  return encodePacket(
    TAG.signature,
    Buffer.concat([
      head,
      u16(unhashedArea.length),
      unhashedArea,
      digest.subarray(0, 2),
      signatureMpis(signer, signature),
    ]),
  );
}

/** RSA: one MPI, the signature integer. ECDSA: r and s, taken from the DER the signer returns. */
function signatureMpis(signer: Signer, signature: Uint8Array): Buffer {
  const { curve } = signer.algorithm;
  if (!curve) return encodeMpi(signature);
  const raw = ecdsaDerToRaw(signature, curve);
  const size = CURVES[curve].size;
  return Buffer.concat([encodeMpi(raw.subarray(0, size)), encodeMpi(raw.subarray(size))]);
}

/**
 * A signature made before its key was created is refused by gpg ("key created in the future"), so
 * refuse it here first. Default: now.
 */
export function signatureTime(key: PgpKey, signedAt: Date | undefined): Date {
  const date = signedAt ?? new Date();
  if (date instanceof Date && date.getTime() < key.createdAt.getTime()) {
    throw new SignetError('INVALID_ARGUMENT', 'An OpenPGP signature cannot be older than its key', {
      details: { signedAt: date.toISOString(), keyCreatedAt: key.createdAt.toISOString() },
    });
  }
  return date;
}
