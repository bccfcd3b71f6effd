export type {
  KeyInfo,
  KeyProvider,
  CallOptions,
  SignDigestParams,
  SignMessageParams,
  GenerateKeyParams,
  SetCertificatesParams,
  ProviderCapabilities,
} from './provider.js';
export { createProviderRegistry } from './registry.js';
export type { ProviderRegistry, KeyProviderFactory } from './registry.js';
export { createSigner } from './signer.js';
export type { Signer, CreateSignerOptions } from './signer.js';
export { keyUriScheme } from './key-uri.js';
export type { ProviderModule } from './module.js';
export { withRetries } from './retry.js';
export type { RetryOptions } from './retry.js';
export { withCertificateStore, createFileCertificateStore } from './certificate-store.js';
export type { CertificateStore } from './certificate-store.js';
export { loadProviderModules } from './load-modules.js';
export type { LoadedProvider, ProviderEntry } from './load-modules.js';
