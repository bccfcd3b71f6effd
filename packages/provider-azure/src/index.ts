/**
 * `@signet/provider-azure`: a Signet {@link KeyProvider} for keys in Azure Key Vault and Managed
 * HSM, through `@azure/keyvault-keys`, with credentials from `@azure/identity`.
 *
 * @packageDocumentation
 */
import type { KeyProvider } from '@signet/sdk';

export { createAzureKeyVaultProvider } from './provider.js';
export type { AzureKeyVaultProvider } from './provider.js';
export type { AzureKeyVaultProviderOptions } from './options.js';
export { signetProvider } from './module.js';
export type { AzureKeyVaultModuleOptions } from './module.js';
export { credentialFromEnv } from './credential.js';
export type { CredentialKind } from './credential.js';
export { AZURE_KV_SCHEME, parseAzureKeyUri, formatAzureKeyUri } from './key-uri.js';
export type { AzureKeyUri } from './key-uri.js';
