import { assertDigestLength, getAlgorithm } from '../algorithms/algorithms.js';
import { throwIfAborted } from '../errors/errors.js';
import type { KeyProvider } from '../provider/provider.js';
import type { RequestMetadata } from '../signing/request.js';
import type { RemoteClient } from './client.js';

export interface RemoteKeyProviderOptions {
  /**
   * The scheme this provider is registered under. The server's keys may be of several schemes
   * (`soft`, `pkcs11`, a KMS): register the same provider under each, or use `createRemoteSigner`.
   * Default `soft`.
   */
  scheme?: string;
  /** What the server's policy and audit log learn about every signature, e.g. `{ format: 'jar' }`. */
  metadata?: RequestMetadata;
}

/**
 * The server's keys as a `KeyProvider`, for code written against providers (formats, a
 * `ProviderRegistry`): each `sign` is one `POST /v1/sign`, decided by the server's policy and
 * recorded in its audit log; the caller is whoever the client's token says. Generating keys and
 * attaching certificates stay with the server's administrators.
 *
 * @example
 * ```ts
 * const registry = createProviderRegistry();
 * registry.register('soft', () => createRemoteKeyProvider(createRemoteClient({ url, token })));
 * const signer = await createSigner(registry, 'soft://release');
 * ```
 */
export function createRemoteKeyProvider(client: RemoteClient, options: RemoteKeyProviderOptions = {}): KeyProvider {
  return {
    scheme: options.scheme ?? 'soft',
    capabilities: { generateKeys: false, signMessage: false, storeCertificates: false },
    async listKeys(callOptions = {}) {
      throwIfAborted(callOptions.signal);
      return client.listKeys(callOptions);
    },
    async getKey(uri, callOptions = {}) {
      throwIfAborted(callOptions.signal);
      return client.getKey(uri, callOptions);
    },
    async sign({ key, algorithm, digest, signal }) {
      throwIfAborted(signal);
      // Checked here too, so a wrong digest fails with its own code and costs no round trip.
      assertDigestLength(getAlgorithm(algorithm), digest);
      const result = await client.sign(
        { key, algorithm, items: [{ digest }], ...(options.metadata ? { metadata: options.metadata } : {}) },
        { ...(signal ? { signal } : {}) },
      );
      return result.signatures[0]!.signature;
    },
  };
}
