import {
  assertAlgorithmFitsKey,
  assertDigestLength,
  ecdsaRawToDer,
  getAlgorithm,
  isSignetError,
  SignetError,
  throwIfAborted,
  type CallOptions,
  type GenerateKeyParams,
  type KeyInfo,
  type KeyProvider,
  type SignDigestParams,
} from '@signet/sdk';
import { createProviderContext } from './context.js';
import { defaultCredential } from './credential.js';
import { generateVaultKey } from './generate.js';
import { AZURE_KV_SCHEME, parseAzureKeyUri } from './key-uri.js';
import { listSigningKeys, listVersions } from './listing.js';
import type { AzureKeyVaultProviderOptions } from './options.js';
import { callVault } from './vault-call.js';
import { assertCanSign } from './vault-key.js';
import { parseVaultUrl } from './vault-url.js';
import { show } from './show.js';

/** The Azure Key Vault provider: a {@link KeyProvider} with key creation and key versions. */
export interface AzureKeyVaultProvider extends KeyProvider {
  /** Creates a key (HSM-protected unless `hsm: false`) in the first vault. @throws SignetError `KEY_EXISTS` */
  generateKey(params: GenerateKeyParams): Promise<KeyInfo>;
  /**
   * Every version of a key, newest first, each under its pinned URI
   * (`azurekv://HOST/keys/NAME/VERSION`), disabled and expired versions included.
   *
   * @throws SignetError `KEY_NOT_FOUND`, `INVALID_KEY_URI`
   */
  listKeyVersions(uri: string, options?: CallOptions): Promise<KeyInfo[]>;
  close(): Promise<void>;
}

function milliseconds(value: number | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new SignetError('INVALID_ARGUMENT', `${name} must be a number of milliseconds, not ${show(value)}`);
  }
  return value;
}

/**
 * Signs with keys held in Azure Key Vault or Managed HSM, named
 * `azurekv://VAULT-HOST/keys/NAME[/VERSION]`. Only the digest goes to the vault
 * (`POST /keys/NAME/VERSION/sign`); ECDSA signatures come back as DER.
 *
 * @throws SignetError `INVALID_ARGUMENT` for a missing or malformed vault URL or option.
 * @example
 * ```ts
 * const azure = createAzureKeyVaultProvider({ vaultUrls: ['https://acme.vault.azure.net'] });
 * const signer = await createSigner(azure, 'azurekv://acme.vault.azure.net/keys/release');
 * const signature = await signer.sign(digest);
 * ```
 */
export function createAzureKeyVaultProvider(options: AzureKeyVaultProviderOptions): AzureKeyVaultProvider {
  if (!Array.isArray(options.vaultUrls) || options.vaultUrls.length === 0) {
    throw new SignetError('INVALID_ARGUMENT', 'vaultUrls must name at least one vault');
  }
  const vaults = options.vaultUrls.map(parseVaultUrl);
  const context = createProviderContext({
    vaults,
    credential: options.credential ?? defaultCredential(),
    clientOptions: options.clientOptions ?? {},
    policy: {
      retry: options.retry ?? {},
      requestTimeoutMs: milliseconds(options.requestTimeoutMs, 'requestTimeoutMs', 30_000, 1),
    },
    keyCacheTtlMs: milliseconds(options.keyCacheTtlMs, 'keyCacheTtlMs', 60_000, 0),
  });
  const hsm = options.hsm ?? true;
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new SignetError('PROVIDER_CLOSED', 'The Azure Key Vault provider is closed');
  }

  return {
    scheme: AZURE_KV_SCHEME,
    capabilities: { generateKeys: true, signMessage: false, storeCertificates: false },

    async listKeys({ signal } = {}) {
      assertOpen();
      throwIfAborted(signal);
      return listSigningKeys(context, signal);
    },

    async getKey(uri, { signal } = {}) {
      assertOpen();
      throwIfAborted(signal);
      return (await context.fetchKey(parseAzureKeyUri(uri), signal)).info;
    },

    async sign({ key: uri, algorithm: id, digest, signal }: SignDigestParams) {
      assertOpen();
      throwIfAborted(signal);
      if (typeof id !== 'string') {
        throw new SignetError('UNSUPPORTED_ALGORITHM', `Unknown signature algorithm ${show(id)}`);
      }
      const algorithm = getAlgorithm(id);
      assertDigestLength(algorithm, digest);
      const key = parseAzureKeyUri(uri);
      context.vaultFor(key); // a host this provider does not serve: KEY_NOT_FOUND, before any request
      const { resolved, signer } = await context.signingKey(key, signal);
      assertAlgorithmFitsKey(algorithm, resolved.spec);
      assertCanSign(resolved);
      try {
        const { result } = await callVault(
          (abortSignal) => signer.sign(algorithm.jose, digest, { abortSignal }),
          { operation: 'sign', target: uri },
          context.policy,
          signal,
        );
        // Key Vault returns ECDSA as raw r || s (JOSE); Signet's providers return DER.
        return algorithm.scheme === 'ecdsa' ? ecdsaRawToDer(result, resolved.curve!) : result;
      } catch (error) {
        if (isSignetError(error, 'KEY_NOT_FOUND', 'PERMISSION_DENIED')) context.forget(key);
        throw error;
      }
    },

    async generateKey(params) {
      assertOpen();
      throwIfAborted(params.signal);
      return generateVaultKey(context, params, hsm);
    },

    async listKeyVersions(uri, { signal } = {}) {
      assertOpen();
      throwIfAborted(signal);
      return listVersions(context, parseAzureKeyUri(uri), signal);
    },

    async close() {
      closed = true;
      context.clear();
    },
  };
}
