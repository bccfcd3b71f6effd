import type { KeyClientOptions } from '@azure/keyvault-keys';
import type { TokenCredential } from '@azure/identity';
import { abortable, SignetError } from '@signet/sdk';
import { formatAzureKeyUri, type AzureKeyUri } from './key-uri.js';
import { gatedSignClient } from './gated-sign-client.js';
import { createTtlCache } from './ttl-cache.js';
import { callVault, type CallPolicy } from './vault-call.js';
import { createVaultKeyClient, type VaultKeyClient, type VaultSignClient } from './vault-client.js';
import { resolveVaultKey, type ResolvedKey } from './vault-key.js';
import type { Vault } from './vault-url.js';

/** A served vault and its client (one pipeline, so one token, per vault). */
export interface ServedVault extends Vault {
  readonly client: VaultKeyClient;
}

/** A resolved key with the client that signs with its version. */
export interface SigningKey {
  readonly resolved: ResolvedKey;
  readonly signer: VaultSignClient;
}

/** What the provider's operations share: the vaults, the call policy and the key cache. */
export interface ProviderContext {
  readonly vaults: readonly ServedVault[];
  readonly policy: CallPolicy;
  /** @throws SignetError `KEY_NOT_FOUND` for a host that is not a served vault. */
  vaultFor(key: AzureKeyUri): ServedVault;
  /** Asks the vault for a key now (no cache) and remembers the answer. */
  fetchKey(key: AzureKeyUri, signal: AbortSignal | undefined): Promise<ResolvedKey>;
  /** The key and its signer, from the cache when fresh. */
  signingKey(key: AzureKeyUri, signal: AbortSignal | undefined): Promise<SigningKey>;
  /** Forgets a key after the vault refused it, so the next call asks again. */
  forget(key: AzureKeyUri): void;
  clear(): void;
}

export interface ContextOptions {
  vaults: readonly Vault[];
  credential: TokenCredential;
  clientOptions: KeyClientOptions;
  policy: CallPolicy;
  keyCacheTtlMs: number;
}

function cacheId(host: string, name: string, version: string | undefined): string {
  // Key Vault names are case-insensitive.
  return `${host}/${name.toLowerCase()}/${version ?? ''}`;
}

export function createProviderContext(options: ContextOptions): ProviderContext {
  const vaults = options.vaults.map((v) => ({
    ...v,
    client: createVaultKeyClient(v.url, options.credential, options.clientOptions),
  }));
  const byHost = new Map(vaults.map((v) => [v.host, v]));
  const ttl = options.keyCacheTtlMs;
  const keys = createTtlCache<SigningKey>(ttl);
  // One signer per version, renewed about as often as the keys, so the Azure SDK's own copy of the key
  // (it checks key_ops and expiry locally) is not much older than ours. A floor of 1 s keeps a burst
  // on one client even with keyCacheTtlMs 0: each new client fetches the key once more.
  const signers = createTtlCache<VaultSignClient>(Math.max(ttl, 1000));

  function vaultFor(key: AzureKeyUri): ServedVault {
    const vault = byHost.get(key.host);
    if (!vault) {
      const uri = formatAzureKeyUri(key);
      throw new SignetError('KEY_NOT_FOUND', `${uri} is not in a vault this provider serves`, {
        details: { key: uri, vaults: vaults.map((v) => v.url) },
      });
    }
    return vault;
  }

  async function load(key: AzureKeyUri, signal: AbortSignal | undefined): Promise<ResolvedKey> {
    const vault = vaultFor(key);
    const found = await callVault(
      (abortSignal) => vault.client.getKey(key.name, { ...(key.version ? { version: key.version } : {}), abortSignal }),
      { operation: 'get', target: formatAzureKeyUri(key) },
      options.policy,
      signal,
    );
    return resolveVaultKey(found, key);
  }

  async function withSigner(key: AzureKeyUri, resolved: ResolvedKey): Promise<SigningKey> {
    const vault = vaultFor(key);
    const id = cacheId(key.host, key.name, resolved.version);
    const signer = await signers.get(id, async () =>
      gatedSignClient(vault.client.getCryptographyClient(key.name, { keyVersion: resolved.version })),
    );
    return { resolved, signer };
  }

  return {
    vaults,
    policy: options.policy,
    vaultFor,
    async fetchKey(key, signal) {
      const resolved = await load(key, signal);
      keys.set(cacheId(key.host, key.name, key.version), await withSigner(key, resolved));
      return resolved;
    },
    signingKey(key, signal) {
      // Shared by concurrent callers, so loaded without any one caller's signal; each stops waiting on its own.
      const shared = keys.get(cacheId(key.host, key.name, key.version), async () =>
        withSigner(key, await load(key, undefined)),
      );
      return abortable(shared, signal);
    },
    forget(key) {
      keys.delete(cacheId(key.host, key.name, key.version));
    },
    clear() {
      keys.clear();
      signers.clear();
    },
  };
}
