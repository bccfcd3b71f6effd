import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import type { KeyClientOptions } from '@azure/keyvault-keys';
import { SignetError, type ProviderModule } from '@signet/sdk';
import { credentialFromEnv } from './credential.js';
import { AZURE_KV_SCHEME } from './key-uri.js';
import type { AzureKeyVaultProviderOptions } from './options.js';
import { createAzureKeyVaultProvider } from './provider.js';

/**
 * The options a configuration file gives the provider (`providers: [{ use: '@signet/provider-azure',
 * options: {...} }]`). Credentials never come from here: see {@link credentialFromEnv}.
 */
export interface AzureKeyVaultModuleOptions {
  /** One vault URL; or `vaultUrls` for several. */
  vaultUrl?: string;
  vaultUrls?: string[];
  hsm?: boolean;
  requestTimeoutMs?: number;
  keyCacheTtlMs?: number;
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** A PEM file of CA certificates to trust besides Node's own (a TLS-inspecting proxy, a private endpoint). */
  caFile?: string;
  /** For a vault behind a custom domain: accept a bearer challenge for another host. Default false. */
  disableChallengeResourceVerification?: boolean;
}

const KNOWN = new Set([
  'vaultUrl',
  'vaultUrls',
  'hsm',
  'requestTimeoutMs',
  'keyCacheTtlMs',
  'retry',
  'caFile',
  'disableChallengeResourceVerification',
]);
const RETRY_KNOWN = new Set(['attempts', 'baseDelayMs', 'maxDelayMs']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Checks plain options, naming every problem at once. */
function parseModuleOptions(options: unknown): AzureKeyVaultModuleOptions {
  const problems: string[] = [];
  if (!isRecord(options)) throw invalid(['options must be an object']);
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) problems.push(`unknown option "${key}"`);
  const { vaultUrl, vaultUrls, hsm, retry, caFile, disableChallengeResourceVerification } = options;
  if (vaultUrl !== undefined && typeof vaultUrl !== 'string') problems.push('vaultUrl must be a string');
  if (vaultUrls !== undefined && !(Array.isArray(vaultUrls) && vaultUrls.every((u) => typeof u === 'string'))) {
    problems.push('vaultUrls must be a list of strings');
  }
  if (vaultUrl === undefined && (vaultUrls === undefined || (Array.isArray(vaultUrls) && vaultUrls.length === 0))) {
    problems.push('vaultUrl (or vaultUrls) is required');
  }
  if (hsm !== undefined && typeof hsm !== 'boolean') problems.push('hsm must be true or false');
  for (const name of ['requestTimeoutMs', 'keyCacheTtlMs'] as const) {
    if (options[name] !== undefined && !isCount(options[name])) problems.push(`${name} must be a number of ms`);
  }
  if (retry !== undefined) {
    if (!isRecord(retry)) problems.push('retry must be an object');
    else
      for (const [key, value] of Object.entries(retry)) {
        if (!RETRY_KNOWN.has(key)) problems.push(`unknown option "retry.${key}"`);
        else if (!isCount(value)) problems.push(`retry.${key} must be a non-negative number`);
      }
  }
  if (caFile !== undefined && typeof caFile !== 'string') problems.push('caFile must be a path');
  if (disableChallengeResourceVerification !== undefined && typeof disableChallengeResourceVerification !== 'boolean') {
    problems.push('disableChallengeResourceVerification must be true or false');
  }
  if (problems.length > 0) throw invalid(problems);
  return options as AzureKeyVaultModuleOptions;
}

function invalid(problems: string[]): SignetError {
  return new SignetError('INVALID_ARGUMENT', `Azure Key Vault provider options: ${problems.join('; ')}`, {
    details: { problems },
  });
}

async function clientOptions(options: AzureKeyVaultModuleOptions): Promise<KeyClientOptions> {
  const out: KeyClientOptions = {};
  if (options.disableChallengeResourceVerification) out.disableChallengeResourceVerification = true;
  if (options.caFile) {
    let pem: string;
    try {
      pem = await readFile(options.caFile, 'utf8');
    } catch (cause) {
      throw new SignetError('INVALID_ARGUMENT', `caFile ${options.caFile} cannot be read`, { cause });
    }
    // `ca` replaces Node's roots: keep them, so the file adds trust rather than narrowing it.
    out.tlsOptions = { ca: [...rootCertificates, pem] };
  }
  return out;
}

/**
 * What `@signet/provider-azure` exports for loading by name: keys `azurekv://...`, options from a
 * configuration file (see {@link AzureKeyVaultModuleOptions}), credentials from the environment
 * (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID` with `AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_PATH`
 * or `AZURE_FEDERATED_TOKEN_FILE`; otherwise managed identity and the other `DefaultAzureCredential` sources).
 */
export const signetProvider: ProviderModule = {
  scheme: AZURE_KV_SCHEME,
  async create(options, env) {
    const parsed = parseModuleOptions(options);
    const typed: AzureKeyVaultProviderOptions = {
      vaultUrls: [...(parsed.vaultUrl ? [parsed.vaultUrl] : []), ...(parsed.vaultUrls ?? [])],
      credential: credentialFromEnv(env).credential,
      clientOptions: await clientOptions(parsed),
      ...(parsed.hsm !== undefined ? { hsm: parsed.hsm } : {}),
      ...(parsed.requestTimeoutMs !== undefined ? { requestTimeoutMs: parsed.requestTimeoutMs } : {}),
      ...(parsed.keyCacheTtlMs !== undefined ? { keyCacheTtlMs: parsed.keyCacheTtlMs } : {}),
      ...(parsed.retry ? { retry: parsed.retry } : {}),
    };
    return createAzureKeyVaultProvider(typed);
  },
};
