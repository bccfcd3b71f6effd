import { KeyClient, type KeyClientOptions } from '@azure/keyvault-keys';
import type { TokenCredential } from '@azure/identity';
import type { VaultJwk } from './jwk.js';

/*
 * The part of `@azure/keyvault-keys` this provider uses, typed structurally so the provider can be
 * read (and exercised) without the vendor's class hierarchy. `KeyClient` satisfies it; this is the
 * only module that imports the vendor SDK.
 */

export interface Abortable {
  abortSignal?: AbortSignal;
}

/** The properties of one key version, as listings return them. */
export interface VaultKeyProperties {
  name: string;
  version?: string;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  createdOn?: Date;
}

/** One key version with its public material. */
export interface VaultKey {
  name: string;
  key?: VaultJwk;
  keyOperations?: string[];
  properties: VaultKeyProperties;
}

/** Signs in the vault: `POST /keys/NAME/VERSION/sign`. */
export interface VaultSignClient {
  sign(algorithm: string, digest: Uint8Array, options?: Abortable): Promise<{ result: Uint8Array }>;
}

export interface VaultKeyClient {
  getKey(name: string, options?: { version?: string } & Abortable): Promise<VaultKey>;
  listPropertiesOfKeys(options?: Abortable): AsyncIterable<VaultKeyProperties>;
  listPropertiesOfKeyVersions(name: string, options?: Abortable): AsyncIterable<VaultKeyProperties>;
  createRsaKey(
    name: string,
    options: { keySize: number; hsm: boolean; keyOps: string[] } & Abortable,
  ): Promise<VaultKey>;
  createEcKey(name: string, options: { curve: string; hsm: boolean; keyOps: string[] } & Abortable): Promise<VaultKey>;
  /** A client that shares this client's pipeline (and so its token) for one key version. */
  getCryptographyClient(name: string, options: { keyVersion: string }): VaultSignClient;
}

/**
 * Creates the real client for one vault. The Azure pipeline's own retries are switched off
 * (`maxRetries: 0`): the provider retries through `withRetries`, and two retry layers would
 * multiply (5 × 4 attempts against a throttling vault) and hide the backoff from the caller's signal.
 */
export function createVaultKeyClient(
  vaultUrl: string,
  credential: TokenCredential,
  clientOptions: KeyClientOptions = {},
): VaultKeyClient {
  // KeyClient writes into the options it gets (userAgentOptions): give it its own copy.
  return new KeyClient(vaultUrl, credential, { ...clientOptions, retryOptions: { maxRetries: 0 } });
}
