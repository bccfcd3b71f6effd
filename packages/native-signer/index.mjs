// ESM entry: the same module as index.cjs (the addon can only be loaded through require).
import native from './index.cjs';

export const { available, loadError, loadPrivateKey } = native;
