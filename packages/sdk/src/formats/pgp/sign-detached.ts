import { createHash, type Hash } from 'node:crypto';
import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { SignetError, throwIfAborted } from '../../errors/errors.js';
import type { Signer } from '../../provider/signer.js';
import { assertPgpAlgorithm } from './algorithm.js';
import { armorPgp } from './armor.js';
import { pgpKeyOf } from './public-key.js';
import { forEachChunk, type PgpSignInput, type PgpSignProgress } from './read-input.js';
import { finishSignature, SIGNATURE_TYPE, signatureTime } from './signature.js';

export interface PgpSignOptions {
  /** The OpenPGP key creation time: the same as at export (default: the same default). */
  keyCreatedAt?: Date;
  /** The signature creation time. Default: now. */
  signedAt?: Date;
  signal?: AbortSignal;
}

export interface PgpSignFileOptions extends PgpSignOptions {
  /** Called after each chunk (1 MiB for a file) with the bytes hashed so far. */
  onProgress?: (progress: PgpSignProgress) => void;
}

/**
 * Data hashed for an OpenPGP signature, before the signature's own fields are appended. Feed it,
 * then {@link signPgpHash}; one hash can be signed several times (by several keys with its hash).
 */
export interface PgpHash {
  readonly algorithm: HashAlgorithm;
  /** Bytes hashed so far. */
  readonly bytes: number;
  update(data: Uint8Array): PgpHash;
}

const contexts = new WeakMap<PgpHash, Hash>();

/**
 * Starts hashing data for a binary-document signature, with the hash of `signer` (or a hash named).
 *
 * @example
 * ```ts
 * const hash = createPgpHash(signer);
 * for await (const chunk of response.body) hash.update(chunk);
 * const asc = await signPgpHash(signer, hash);
 * ```
 */
export function createPgpHash(source: Signer | HashAlgorithm): PgpHash {
  const algorithm = typeof source === 'string' ? source : source.algorithm.hash;
  const context = createHash(algorithm);
  let bytes = 0;
  const hash: PgpHash = {
    algorithm,
    get bytes() {
      return bytes;
    },
    update(data) {
      context.update(data);
      bytes += data.length;
      return hash;
    },
  };
  contexts.set(hash, context);
  return hash;
}

/**
 * Signs data hashed with {@link createPgpHash}: a detached binary-document signature (type 0x00),
 * ASCII-armored. Only the final digest reaches `signer`.
 *
 * @throws SignetError `INVALID_ARGUMENT` (a hash not from createPgpHash, or with another hash
 * function than the signer's; dates), `UNSUPPORTED_ALGORITHM` (RSA-PSS), any error of the signer.
 */
export async function signPgpHash(signer: Signer, hash: PgpHash, options: PgpSignOptions = {}): Promise<string> {
  const context = contexts.get(hash);
  if (!context) throw new SignetError('INVALID_ARGUMENT', 'Pass a hash made by createPgpHash');
  if (hash.algorithm !== signer.algorithm.hash) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `The data was hashed with ${hash.algorithm}, but ${signer.algorithm.id} signs ${signer.algorithm.hash}`,
    );
  }
  assertPgpAlgorithm(signer.algorithm);
  const key = pgpKeyOf(signer.key, options.keyCreatedAt);
  const packet = await finishSignature(signer, context.copy(), {
    type: SIGNATURE_TYPE.binary,
    createdAt: signatureTime(key, options.signedAt),
    key,
    signal: options.signal,
  });
  return armorPgp('PGP SIGNATURE', packet);
}

/**
 * Makes a detached, ASCII-armored OpenPGP signature (`.asc`) over a file or a stream, which
 * `gpg --verify file.asc file` and `sq verify --detached` check against the key from
 * {@link exportPgpPublicKey}. The input is read here in 1 MiB chunks (any size, bounded memory);
 * only the final digest reaches `signer`.
 *
 * @throws SignetError `IO_ERROR`, `ABORTED`, `INVALID_ARGUMENT`, `UNSUPPORTED_ALGORITHM` (RSA-PSS),
 * and any error of the signer.
 * @example
 * ```ts
 * const signer = await createSigner(provider, 'soft://release');
 * await writeFile('app.tgz.asc', await signPgpDetached(signer, { path: 'app.tgz' }));
 * ```
 */
export async function signPgpDetached(
  signer: Signer,
  input: PgpSignInput,
  options: PgpSignFileOptions = {},
): Promise<string> {
  // Check what needs no I/O before reading a large file.
  assertPgpAlgorithm(signer.algorithm);
  signatureTime(pgpKeyOf(signer.key, options.keyCreatedAt), options.signedAt);
  throwIfAborted(options.signal);
  const hash = createPgpHash(signer);
  await forEachChunk(
    input,
    (chunk, total) => {
      hash.update(chunk);
      options.onProgress?.({ bytes: hash.bytes, total });
    },
    options.signal,
  );
  return signPgpHash(signer, hash, options);
}
