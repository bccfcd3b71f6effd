export { createRemoteClient } from './client.js';
export type { RemoteClient, RemoteClientOptions } from './client.js';
export { createRemoteSigner } from './remote-signer.js';
export type { RemoteSignerOptions } from './remote-signer.js';
export { errorFromResponse } from './problem.js';
export { createRemoteKeyProvider } from './remote-provider.js';
export type { RemoteKeyProviderOptions } from './remote-provider.js';
