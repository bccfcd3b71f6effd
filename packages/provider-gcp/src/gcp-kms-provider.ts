import {
  abortable,
  assertAlgorithmFitsKey,
  assertDigestLength,
  getAlgorithm,
  SignetError,
  throwIfAborted,
  withRetries,
  type CallOptions,
  type KeyInfo,
  type KeyProvider,
  type RetryOptions,
  type SignDigestParams,
} from '@signet/sdk';
import { crc32c } from './crc32c.js';
import { parseEndpoint } from './endpoint.js';
import { toSignetError } from './errors.js';
import { checkedSignature, type PublicKeyResponse, type SignResponse } from './integrity.js';
import { callKms, type KmsCall } from './kms-call.js';
import { createKmsClient, type KmsClient } from './kms-client.js';
import { listSigningVersions, mapLimit, type ListingContext } from './key-listing.js';
import type { GcpKmsProviderOptions } from './options.js';
import { readVersionKey, type VersionKey } from './public-key.js';
import { checkNames } from './provider-options.js';
import { keyUri, parseKeyUri, parseVersionResourceName, SCHEME, versionResourceName } from './resource-name.js';

/** A {@link KeyProvider} for Cloud KMS keys, named `gcpkms://projects/.../cryptoKeyVersions/N`. */
export interface GcpKmsProvider extends KeyProvider {
  /** Closes the client this provider created (an injected one stays open). Later calls fail `PROVIDER_CLOSED`. */
  close(): Promise<void>;
}

/** Key versions whose public key and algorithm are remembered (they never change for a version). */
const CACHE_SIZE = 1024;

/**
 * Signs digests with Cloud KMS asymmetric keys: AsymmetricSign with CRC32C integrity checked both
 * ways, GetPublicKey, and listing of key rings, keys and versions. Each call is one attempt of the
 * vendor library (its own retries off) inside `withRetries`, so only throttling and outages are
 * retried, with backoff and jitter; an abort cancels the HTTP request in flight.
 *
 * @throws SignetError `INVALID_ARGUMENT` for a wrong endpoint, key ring or location name.
 * @example
 * ```ts
 * const kms = createGcpKmsProvider({ keyRings: ['projects/acme/locations/europe-west1/keyRings/release'] });
 * const signer = await createSigner(kms, 'gcpkms://projects/acme/locations/europe-west1/keyRings/release/cryptoKeys/app/cryptoKeyVersions/1');
 * const signature = await signer.sign(digest);
 * ```
 */
export function createGcpKmsProvider(options: GcpKmsProviderOptions = {}): GcpKmsProvider {
  const endpoint = parseEndpoint(options.endpoint);
  const keyRings = checkNames('keyRings', options.keyRings ?? []);
  const locations = checkNames('locations', options.locations ?? []);
  const retry: RetryOptions = { attempts: 5, baseDelayMs: 100, maxDelayMs: 5000, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 60_000;
  const versions = new Map<string, Promise<VersionKey>>();
  let client: Promise<KmsClient> | undefined;
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new SignetError('PROVIDER_CLOSED', 'The Cloud KMS key provider is closed');
  }

  /** The client, created and initialised once; a failed start is retried by the next call. */
  function kms(): Promise<KmsClient> {
    client ??= start();
    return client;
  }

  async function start(): Promise<KmsClient> {
    let created: KmsClient | undefined;
    try {
      created =
        options.client ??
        (await createKmsClient({
          endpoint,
          ...(options.accessToken ? { accessToken: options.accessToken } : {}),
          ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
        }));
      await created.initialize();
      return created;
    } catch (cause) {
      client = undefined;
      if (created && !options.client) await created.close().catch(() => undefined);
      const error = toSignetError(cause, 'authenticate to', endpoint.host);
      // Initialising only resolves credentials: short of a network error, what failed is authentication.
      return Promise.reject(
        created && error.code === 'INTERNAL'
          ? new SignetError('UNAUTHENTICATED', error.message, { cause, details: error.details })
          : error,
      );
    }
  }

  /** One Cloud KMS call, retried while the failure is transient; `check` may reject the answer too. */
  function call<T>(spec: Omit<KmsCall, 'timeoutMs'>, check: (response: unknown) => T): Promise<T> {
    return withRetries(
      async () => {
        const [response] = await callKms(await kms(), { ...spec, timeoutMs });
        return check(response);
      },
      { ...retry, signal: spec.signal },
    );
  }

  /**
   * The key version's algorithm and public key: fetched once, then from memory. The fetch is
   * shared by every caller waiting for it, so it runs without any one caller's signal.
   */
  function describe(name: string, signal?: AbortSignal): Promise<VersionKey> {
    let entry = versions.get(name);
    if (!entry) {
      const request = { name };
      entry = call({ method: 'getPublicKey', request, routing: 'name', action: 'get the public key of' }, (r) =>
        readVersionKey(r as PublicKeyResponse, name),
      );
      entry.catch(() => versions.delete(name));
      if (versions.size >= CACHE_SIZE) versions.delete(versions.keys().next().value!);
      versions.set(name, entry);
    }
    return abortable(entry, signal);
  }

  function toInfo(key: VersionKey, createdAt?: Date): KeyInfo {
    const parts = parseVersionResourceName(key.name)!;
    return {
      uri: keyUri(parts),
      name: `${parts.cryptoKey}/${parts.version}`,
      spec: key.kms.spec,
      algorithms: [key.kms.algorithm],
      publicKey: key.publicKey,
      certificates: [],
      ...(createdAt ? { createdAt } : {}),
    };
  }

  return {
    scheme: SCHEME,
    capabilities: { generateKeys: false, signMessage: false, storeCertificates: false },

    async listKeys({ signal }: CallOptions = {}) {
      assertOpen();
      throwIfAborted(signal);
      const ctx: ListingContext = { client: kms, retry, timeoutMs, signal };
      const listed = await listSigningVersions(ctx, keyRings, locations);
      return mapLimit(listed, async (v) => toInfo(await describe(v.name, signal), v.createdAt));
    },

    async getKey(uri, { signal }: CallOptions = {}) {
      assertOpen();
      const name = versionResourceName(parseKeyUri(uri));
      throwIfAborted(signal);
      return toInfo(await describe(name, signal));
    },

    async sign({ key: uri, algorithm: id, digest, signal }: SignDigestParams) {
      assertOpen();
      const algorithm = getAlgorithm(id);
      assertDigestLength(algorithm, digest);
      const name = versionResourceName(parseKeyUri(uri));
      throwIfAborted(signal);
      const key = await describe(name, signal);
      assertAlgorithmFitsKey(algorithm, key.kms.spec);
      if (algorithm.id !== key.kms.algorithm) {
        throw new SignetError(
          'ALGORITHM_KEY_MISMATCH',
          `${uri} is a Cloud KMS ${key.kms.kms} key version: it signs with ${key.kms.algorithm} only`,
          { details: { algorithm: algorithm.id, keyAlgorithm: key.kms.algorithm } },
        );
      }
      const request = { name, digest: { [algorithm.hash]: digest }, digestCrc32c: { value: crc32c(digest) } };
      return call({ method: 'asymmetricSign', request, routing: 'name', action: 'sign with', signal }, (r) =>
        checkedSignature(r as SignResponse, name),
      );
    },

    async close() {
      if (closed) return;
      closed = true;
      const opened = client;
      client = undefined;
      versions.clear();
      if (opened && !options.client) await (await opened.catch(() => undefined))?.close();
    },
  };
}
