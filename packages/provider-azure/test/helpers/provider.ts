import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { createAzureKeyVaultProvider, type AzureKeyVaultProviderOptions } from '../../src/index.js';
import type { FakeVault } from '../fake-vault/fake-vault.js';

/** A credential that hands out one fixed token and records what it was asked for. */
export interface RecordingCredential extends TokenCredential {
  readonly calls: { scopes: string[]; tenantId?: string }[];
}

export function staticCredential(token: string): RecordingCredential {
  const calls: RecordingCredential['calls'] = [];
  return {
    calls,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      calls.push({ scopes: [scopes].flat(), ...(options?.tenantId ? { tenantId: options.tenantId } : {}) });
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

/**
 * The provider against the fake vault: the real Azure SDK client, trusting the fake's certificate
 * through the pipeline's `tlsOptions` (nothing process-wide), accepting a challenge for a host that
 * is not *.vault.azure.net, and retrying fast.
 */
export function openProvider(vault: FakeVault, options: Partial<AzureKeyVaultProviderOptions> = {}) {
  const credential = staticCredential(vault.token);
  const provider = createAzureKeyVaultProvider({
    vaultUrls: [vault.url],
    credential,
    clientOptions: { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true },
    retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
  return { provider, credential };
}

/** `azurekv://` URI of a key in the fake vault. */
export function keyUri(vault: FakeVault, name: string, version?: string): string {
  return `azurekv://${vault.host}/keys/${name}${version ? `/${version}` : ''}`;
}
