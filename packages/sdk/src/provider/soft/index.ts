export { createSoftKeyProvider } from './soft-provider.js';
export type { SoftKeyProvider, SoftKeyProviderOptions, ImportKeyParams } from './soft-provider.js';
export type { KeyStoreSecret } from './sealing.js';
export type { PrehashBackend } from './prehash-key.js';
