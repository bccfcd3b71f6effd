// Types of the ESM entry, which re-exports the CommonJS module (see index.d.ts for the docs).
export { available, loadError, loadPrivateKey } from './index.js';
export type { NativePrivateKey, NativeSignerErrorCode, PrehashHash, PrehashScheme } from './index.js';
