import { createHash, createPublicKey } from 'node:crypto';
import { getAlgorithm, type SignatureAlgorithmId } from '../algorithms/algorithms.js';
import { isSignetError, SignetError } from '../errors/errors.js';
import { verifyDigestSignature } from '../formats/raw/verify-digest.js';
import type { CallOptions } from '../provider/provider.js';
import type { Signer } from '../provider/signer.js';
import { fromPem } from '../x509/pem.js';
import { isPlainObject } from './canonical-json.js';
import { isHex } from './hex.js';

/** What a checkpoint vouches for: the log named `origin` had `treeSize` records with this root. */
export interface CheckpointBody {
  /** The log's name, one line, e.g. `signet.example.com/audit`. */
  readonly origin: string;
  readonly treeSize: number;
  /** Hex MTH of the first `treeSize` records. */
  readonly rootHash: string;
  /** ISO 8601 time of signing. */
  readonly time: string;
}

/** A checkpoint signed with the log's audit key. Plain JSON, published and handed to verifiers. */
export interface SignedCheckpoint extends CheckpointBody {
  /** Hex SHA-256 of the audit key's DER SubjectPublicKeyInfo. */
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithmId;
  /** Base64 signature over the digest of {@link checkpointText}. */
  readonly signature: string;
}

/**
 * The text a checkpoint signature covers, a C2SP-style note body with a version line and the time:
 * `signet-checkpoint/v1\n<origin>\n<treeSize>\n<rootHash base64>\n<time>\n`.
 *
 * @example createHash(signer.algorithm.hash).update(checkpointText(body)).digest() // what is signed
 */
export function checkpointText(body: CheckpointBody): string {
  const root = Buffer.from(body.rootHash, 'hex').toString('base64');
  return `signet-checkpoint/v1\n${body.origin}\n${body.treeSize}\n${root}\n${body.time}\n`;
}

/**
 * Hex SHA-256 of a DER SubjectPublicKeyInfo: the `keyId` of checkpoints signed with that key.
 *
 * @example auditKeyId(signer.key.publicKey) === checkpoint.keyId
 */
export function auditKeyId(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex');
}

/**
 * Signs a checkpoint body with any provider's {@link Signer}: the digest of the text, with the
 * signer's hash.
 *
 * @example const checkpoint = await signCheckpoint({ origin, treeSize, rootHash, time }, signer);
 */
export async function signCheckpoint(
  body: CheckpointBody,
  signer: Signer,
  options: CallOptions = {},
): Promise<SignedCheckpoint> {
  const digest = createHash(signer.algorithm.hash).update(checkpointText(body), 'utf8').digest();
  const signature = await signer.sign(digest, options);
  return {
    origin: body.origin,
    treeSize: body.treeSize,
    rootHash: body.rootHash,
    time: body.time,
    keyId: auditKeyId(signer.key.publicKey),
    algorithm: signer.algorithm.id,
    signature: Buffer.from(signature).toString('base64'),
  };
}

/**
 * Whether `checkpoint` was signed by `publicKey` (DER SPKI bytes, or PEM text). A checkpoint of
 * another key, or an algorithm that does not fit the key, is simply not valid.
 *
 * @throws SignetError `INVALID_ARGUMENT` when the public key does not parse.
 * @example verifyCheckpoint(JSON.parse(text), await readFile('audit.pub.pem', 'utf8'))
 */
export function verifyCheckpoint(checkpoint: SignedCheckpoint, publicKey: Uint8Array | string): boolean {
  const spki = spkiOf(publicKey);
  if (!isCheckpoint(checkpoint) || checkpoint.keyId !== auditKeyId(spki)) return false;
  try {
    const algorithm = getAlgorithm(checkpoint.algorithm);
    const digest = createHash(algorithm.hash).update(checkpointText(checkpoint), 'utf8').digest();
    const signature = Buffer.from(checkpoint.signature, 'base64');
    return verifyDigestSignature({ publicKey: spki, algorithm: algorithm.id, digest, signature });
  } catch (error) {
    if (isSignetError(error, 'UNSUPPORTED_ALGORITHM', 'ALGORITHM_KEY_MISMATCH')) return false;
    throw error;
  }
}

/**
 * Checks that a value read from JSON has the shape of a {@link SignedCheckpoint}.
 *
 * @throws SignetError `INVALID_FORMAT` naming the first bad field.
 * @example const checkpoint = parseCheckpoint(JSON.parse(await readFile('checkpoint.json', 'utf8')));
 */
export function parseCheckpoint(value: unknown): SignedCheckpoint {
  const fail = (why: string): SignetError => new SignetError('INVALID_FORMAT', `The audit checkpoint ${why}`);
  if (!isPlainObject(value)) throw fail('is not a JSON object');
  const c = value as Record<keyof SignedCheckpoint, unknown>;
  if (typeof c.origin !== 'string' || c.origin === '' || c.origin.includes('\n')) throw fail('origin is not one line');
  if (!Number.isSafeInteger(c.treeSize) || (c.treeSize as number) < 0) throw fail('treeSize is not a size');
  if (!isHex(c.rootHash, 32)) throw fail('rootHash is not 32 bytes of hex');
  if (typeof c.time !== 'string' || c.time.includes('\n')) throw fail('time is not one line');
  if (!isHex(c.keyId, 32)) throw fail('keyId is not 32 bytes of hex');
  if (typeof c.algorithm !== 'string') throw fail('algorithm is missing');
  if (typeof c.signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(c.signature))
    throw fail('signature is not base64');
  return value as unknown as SignedCheckpoint;
}

function isCheckpoint(value: unknown): boolean {
  try {
    parseCheckpoint(value);
    return true;
  } catch {
    return false;
  }
}

function spkiOf(publicKey: Uint8Array | string): Uint8Array {
  const text = typeof publicKey === 'string' ? publicKey : Buffer.from(publicKey).toString('latin1');
  const der = text.includes('-----BEGIN PUBLIC KEY-----') ? fromPem(text, 'PUBLIC KEY')[0]! : publicKey;
  if (typeof der === 'string')
    throw new SignetError('INVALID_ARGUMENT', 'The audit public key is not PEM "PUBLIC KEY"');
  try {
    createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new SignetError('INVALID_ARGUMENT', 'The audit public key is not a DER SubjectPublicKeyInfo', { cause });
  }
  return der;
}
