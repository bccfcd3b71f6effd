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
