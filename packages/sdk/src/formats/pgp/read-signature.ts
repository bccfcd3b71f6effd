import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { HASH_ID } from './algorithm.js';
import { pgpBytes } from './armor.js';
import { readMpi } from './mpi.js';
import { invalid, readPackets, TAG } from './packets.js';
import { hex } from './public-key.js';
import { readSubpackets, SUBPACKET, type Subpacket } from './subpackets.js';

/** What a v4 signature packet says about itself (nothing here is verified). */
export interface PgpSignatureInfo {
  /** Signature type: 0x00 binary document, 0x13 positive certification, ... */
  readonly type: number;
  /** OpenPGP public-key algorithm ID: 1 RSA, 19 ECDSA, ... */
  readonly publicKeyAlgorithm: number;
  /** The hash, when it is one Signet signs with. */
  readonly hash: HashAlgorithm | undefined;
  readonly hashAlgorithmId: number;
  /** The creation time subpacket. */
  readonly createdAt: Date | undefined;
  /** Issuer fingerprint (subpacket 33), uppercase hex. */
  readonly issuerFingerprint: string | undefined;
  /** Issuer key ID (subpacket 16, or the fingerprint's low 8 octets), uppercase hex. */
  readonly issuerKeyId: string | undefined;
  readonly hashedSubpackets: readonly Subpacket[];
  readonly unhashedSubpackets: readonly Subpacket[];
  /** The first two octets of the signed digest. */
  readonly digestPrefix: Uint8Array;
  /** The signature integers: RSA s, or ECDSA r and s. */
  readonly mpis: readonly Uint8Array[];
  /** Octets 0 up to the end of the hashed area: what the v4 trailer counts. */
  readonly hashedPart: Uint8Array;
}

const HASH_BY_ID = new Map(Object.entries(HASH_ID).map(([name, id]) => [id, name as HashAlgorithm]));

/**
 * Reads the first signature packet of an armored or binary OpenPGP signature.
 *
 * @throws SignetError `INVALID_FORMAT` for anything but a well-formed v4 signature packet.
 */
export function readPgpSignature(input: string | Uint8Array): PgpSignatureInfo {
  const packet = readPackets(pgpBytes(input)).find((p) => p.tag === TAG.signature);
  if (!packet) throw invalid('no signature packet');
  return parseSignatureBody(packet.body);
}

/** Parses a v4 signature packet body (RFC 9580 §5.2.3). */
export function parseSignatureBody(body: Uint8Array): PgpSignatureInfo {
  if (body[0] !== 4) throw invalid(`signature version ${body[0]} is not 4`);
  if (body.length < 6) throw invalid('signature is truncated');
  const hashedLength = (body[4]! << 8) | body[5]!;
  const hashedEnd = 6 + hashedLength;
  if (hashedEnd + 2 > body.length) throw invalid('signature is truncated');
  const hashed = readSubpackets(body.subarray(6, hashedEnd));
  const unhashedLength = (body[hashedEnd]! << 8) | body[hashedEnd + 1]!;
  const unhashedEnd = hashedEnd + 2 + unhashedLength;
  if (unhashedEnd + 2 > body.length) throw invalid('signature is truncated');
  const unhashed = readSubpackets(body.subarray(hashedEnd + 2, unhashedEnd));
  const mpis: Uint8Array[] = [];
  let offset = unhashedEnd + 2;
  while (offset < body.length) {
    const [mpi, next] = readMpi(body, offset);
    mpis.push(mpi);
    offset = next;
  }
  const find = (type: number) => hashed.find((s) => s.type === type) ?? unhashed.find((s) => s.type === type);
  const time = hashed.find((s) => s.type === SUBPACKET.creationTime)?.data;
  const fingerprint = find(SUBPACKET.issuerFingerprint)?.data;
  const v4Fingerprint = fingerprint?.[0] === 4 && fingerprint.length === 21 ? fingerprint.subarray(1) : undefined;
  const keyId = find(SUBPACKET.issuerKeyId)?.data ?? v4Fingerprint?.subarray(12);
  return {
    type: body[1]!,
    publicKeyAlgorithm: body[2]!,
    hash: HASH_BY_ID.get(body[3]!),
    hashAlgorithmId: body[3]!,
    createdAt: time?.length === 4 ? new Date(Buffer.from(time).readUInt32BE(0) * 1000) : undefined,
    issuerFingerprint: v4Fingerprint && hex(v4Fingerprint),
    issuerKeyId: keyId && hex(keyId),
    hashedSubpackets: hashed,
    unhashedSubpackets: unhashed,
    digestPrefix: body.subarray(unhashedEnd, unhashedEnd + 2),
    mpis,
    hashedPart: body.subarray(0, hashedEnd),
  };
}
