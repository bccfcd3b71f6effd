import {
  assertAlgorithmFitsKey,
  assertDigestLength,
  getAlgorithm,
  type SignatureAlgorithm,
  type SignatureAlgorithmId,
} from '../algorithms/algorithms.js';
import type { CallOptions, KeyInfo, KeyProvider } from './provider.js';
import type { ProviderRegistry } from './registry.js';

/**
 * One key, one algorithm: what a signature format needs. `sign` takes a digest, never the
 * message, and refuses a digest whose length does not fit the algorithm before any provider
 * sees it.
 */
export interface Signer {
  readonly key: KeyInfo;
  readonly algorithm: SignatureAlgorithm;
  /** @throws SignetError `DIGEST_LENGTH_MISMATCH` and any provider error */
  sign(digest: Uint8Array, options?: CallOptions): Promise<Uint8Array>;
}

export interface CreateSignerOptions extends CallOptions {
  /** Algorithm to sign with. Default: the key's first (default) algorithm. */
  algorithm?: SignatureAlgorithmId;
}

/**
 * A {@link Signer} for the key `uri`, from a provider or a registry.
 *
 * @throws SignetError `KEY_NOT_FOUND`, `UNSUPPORTED_ALGORITHM`, `ALGORITHM_KEY_MISMATCH`
 * @example
 * ```ts
 * const signer = await createSigner(registry, 'soft://release', { algorithm: 'ecdsa-p256-sha256' });
 * const signature = await signer.sign(digest);
 * ```
 */
export async function createSigner(
  source: KeyProvider | ProviderRegistry,
  uri: string,
  options: CreateSignerOptions = {},
): Promise<Signer> {
  const provider = 'providerFor' in source ? await source.providerFor(uri) : source;
  const key = await provider.getKey(uri, options);
  const algorithm = getAlgorithm(options.algorithm ?? key.algorithms[0]!);
  assertAlgorithmFitsKey(algorithm, key.spec);
  return {
    key,
    algorithm,
    async sign(digest, callOptions = {}) {
      assertDigestLength(algorithm, digest);
      return provider.sign({ key: key.uri, algorithm: algorithm.id, digest, signal: callOptions.signal });
    },
  };
}
