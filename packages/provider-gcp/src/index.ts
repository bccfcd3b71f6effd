/**
 * `@signet/provider-gcp`: a Signet `KeyProvider` for Google Cloud KMS asymmetric signing keys.
 *
 * @packageDocumentation
 */
export { createGcpKmsProvider } from './gcp-kms-provider.js';
export type { GcpKmsProvider } from './gcp-kms-provider.js';
export type { GcpKmsProviderOptions, GcpKmsRetryOptions } from './options.js';
export type { KmsClient } from './kms-client.js';
export type { AccessTokenSource } from './static-token-auth.js';
export { signetProvider } from './module.js';
export { keyUri, parseKeyUri, SCHEME } from './resource-name.js';
export type { KeyVersionName } from './resource-name.js';
