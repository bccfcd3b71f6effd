import type { KeySpec, SignatureAlgorithmId } from '../algorithms/algorithms.js';

/** What a provider tells about one key. Never contains private key material. */
export interface KeyInfo {
  /** The key's URI, e.g. `soft://release`, `pkcs11:token=ci;object=release`. */
  readonly uri: string;
  /** A short human name (the last path segment or label). */
  readonly name: string;
  readonly spec: KeySpec;
  /** Algorithms this key signs with; the first is the default. */
  readonly algorithms: readonly SignatureAlgorithmId[];
  /** The public key as DER SubjectPublicKeyInfo. */
  readonly publicKey: Uint8Array;
  /** DER certificates, the key's own first, then its issuers. Empty when none is attached. */
  readonly certificates: readonly Uint8Array[];
  /** When the key was created, if the backend knows. */
  readonly createdAt?: Date;
}

/** Options every async provider call accepts. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface SignDigestParams extends CallOptions {
  /** Key URI. */
  key: string;
  algorithm: SignatureAlgorithmId;
  /** The precomputed digest; its length must equal the algorithm's digest length. */
  digest: Uint8Array;
}

export interface SignMessageParams extends CallOptions {
  key: string;
  algorithm: SignatureAlgorithmId;
  /** A small to-be-signed structure that the backend hashes itself (at most a few KiB). */
  message: Uint8Array;
}

export interface GenerateKeyParams extends CallOptions {
  /** Name of the new key, unique within the provider. */
  name: string;
  spec: KeySpec;
}

export interface SetCertificatesParams extends CallOptions {
  key: string;
  /** DER certificates, the key's own first. The first must hold the key's public key. */
  certificates: readonly Uint8Array[];
}

/** Optional abilities of a backend, so callers can choose a route without trying. */
export interface ProviderCapabilities {
  /** `generateKey` creates keys inside the backend. */
  readonly generateKeys: boolean;
  /** `signMessage` hashes inside the backend (one call for a small to-be-signed structure). */
  readonly signMessage: boolean;
  /** `setCertificates` stores a certificate chain with the key. */
  readonly storeCertificates: boolean;
}

/**
 * A backend that holds private keys and signs digests with them: the software key store, an HSM
 * through PKCS#11, a cloud KMS. There is deliberately no way to export a private key.
 *
 * Implementations are plain objects returned by a factory (`createSoftKeyProvider(options)`); the
 * {@link ProviderRegistry} owns their lifecycle.
 */
export interface KeyProvider {
  /** The URI scheme this provider serves, without `:` (e.g. `soft`). */
  readonly scheme: string;
  readonly capabilities: ProviderCapabilities;

  listKeys(options?: CallOptions): Promise<KeyInfo[]>;
  /** @throws SignetError `KEY_NOT_FOUND`, `INVALID_KEY_URI` */
  getKey(uri: string, options?: CallOptions): Promise<KeyInfo>;
  /**
   * Signs a precomputed digest. ECDSA signatures come back DER-encoded.
   *
   * @throws SignetError `DIGEST_LENGTH_MISMATCH`, `ALGORITHM_KEY_MISMATCH`, `KEY_NOT_FOUND`,
   * `UNSUPPORTED_ALGORITHM`, `THROTTLED`, `UNAVAILABLE`, `ABORTED`
   */
  sign(params: SignDigestParams): Promise<Uint8Array>;

  /** Present when `capabilities.signMessage`: hash-then-sign inside the backend. */
  signMessage?(params: SignMessageParams): Promise<Uint8Array>;
  /** Present when `capabilities.generateKeys`. @throws SignetError `KEY_EXISTS` */
  generateKey?(params: GenerateKeyParams): Promise<KeyInfo>;
  /** Present when `capabilities.storeCertificates`. @throws SignetError `CERTIFICATE_KEY_MISMATCH` */
  setCertificates?(params: SetCertificatesParams): Promise<KeyInfo>;
  /** Releases sessions and handles. After `close`, every call fails with `PROVIDER_CLOSED`. */
  close?(): Promise<void>;
}
