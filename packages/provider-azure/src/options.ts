import type { KeyClientOptions } from '@azure/keyvault-keys';
import type { TokenCredential } from '@azure/identity';
import type { RetryOptions } from '@signet/sdk';

/** Options of {@link createAzureKeyVaultProvider}. */
export interface AzureKeyVaultProviderOptions {
  /**
   * The vaults this provider serves, e.g. `https://acme.vault.azure.net` or a Managed HSM's
   * `https://acme.managedhsm.azure.net`. Key URIs naming any other host are refused
   * (`KEY_NOT_FOUND`), so a request can never send a token to a host of its choosing.
   * `generateKey` creates keys in the first.
   */
  vaultUrls: readonly string[];
  /**
   * Where tokens come from: any `TokenCredential` (`ManagedIdentityCredential`,
   * `WorkloadIdentityCredential`, ...). Default: `DefaultAzureCredential`, created on the first
   * vault call.
   */
  credential?: TokenCredential;
  /**
   * Options for the Azure `KeyClient`: `tlsOptions` (a private CA), `proxyOptions`,
   * `userAgentOptions`, `disableChallengeResourceVerification` (a vault behind a custom domain).
   * `retryOptions` is ignored: the provider retries itself (see `retry`).
   */
  clientOptions?: KeyClientOptions;
  /**
   * Retries of throttled (429) and unavailable (408, 5xx, no answer) calls, with exponential
   * backoff and full jitter. Default: 5 attempts, 100 ms doubling up to 5000 ms.
   */
  retry?: Omit<RetryOptions, 'signal'>;
  /** Longest wait for one attempt of a vault call, in ms. Default 30 000. */
  requestTimeoutMs?: number;
  /**
   * How long a key's public key, type and current version are reused for signing before the vault
   * is asked again, in ms. A key URI without a version signs with the version current at most
   * this long ago. Default 60 000; 0 asks every time.
   */
  keyCacheTtlMs?: number;
  /**
   * `generateKey` creates HSM-protected keys (`RSA-HSM`, `EC-HSM`; Premium vaults and Managed HSM),
   * as code-signing baseline requirements ask. Default `true`; `false` creates software keys.
   */
  hsm?: boolean;
}
