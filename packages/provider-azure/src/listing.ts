import { isSignetError, SignetError, type KeyInfo } from '@signet/sdk';
import type { ProviderContext, ServedVault } from './context.js';
import { formatAzureKeyUri, type AzureKeyUri } from './key-uri.js';
import { callVault } from './vault-call.js';
import type { VaultKeyProperties } from './vault-client.js';
import type { ResolvedKey } from './vault-key.js';

/** Vault calls in flight at once while describing the keys of a listing. */
const CONCURRENCY = 4;

async function mapLimit<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await map(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function listProperties(
  context: ProviderContext,
  vault: ServedVault,
  list: (abortSignal: AbortSignal) => AsyncIterable<VaultKeyProperties>,
  target: string,
  signal: AbortSignal | undefined,
): Promise<VaultKeyProperties[]> {
  return callVault(
    async (abortSignal) => {
      const all: VaultKeyProperties[] = [];
      // The Azure pager hands the signal to the first page's request only: check it between items.
      for await (const properties of list(abortSignal)) {
        abortSignal.throwIfAborted();
        all.push(properties);
      }
      return all;
    },
    { operation: 'list', target },
    context.policy,
    signal,
  );
}

/** Describes a key, or undefined when it went away meanwhile or is of a type Signet cannot sign with. */
async function describe(
  context: ProviderContext,
  key: AzureKeyUri,
  signal: AbortSignal | undefined,
): Promise<ResolvedKey | undefined> {
  try {
    return await context.fetchKey(key, signal);
  } catch (error) {
    if (isSignetError(error, 'KEY_NOT_FOUND', 'UNSUPPORTED_ALGORITHM')) return undefined;
    throw error;
  }
}

function signsNow(key: ResolvedKey, now: Date): boolean {
  return (
    key.canSign && key.enabled && !(key.notBefore && now < key.notBefore) && !(key.expiresOn && now > key.expiresOn)
  );
}

/**
 * The keys of every served vault that can sign now (enabled, `sign` allowed, within their validity
 * window, of a type Signet signs with), by their unversioned URIs, in vault order.
 */
export async function listSigningKeys(context: ProviderContext, signal: AbortSignal | undefined): Promise<KeyInfo[]> {
  const now = new Date();
  const out: KeyInfo[] = [];
  for (const vault of context.vaults) {
    const listed = await listProperties(
      context,
      vault,
      (abortSignal) => vault.client.listPropertiesOfKeys({ abortSignal }),
      vault.url,
      signal,
    );
    const names = listed.filter((p) => p.enabled !== false).map((p) => p.name);
    const keys = await mapLimit(names, CONCURRENCY, (name) => describe(context, { host: vault.host, name }, signal));
    for (const key of keys) if (key && signsNow(key, now)) out.push(key.info);
  }
  return out;
}

/**
 * Every version of one key, newest first, each by its pinned URI, disabled and expired ones
 * included: they still verify what they signed.
 */
export async function listVersions(
  context: ProviderContext,
  key: AzureKeyUri,
  signal: AbortSignal | undefined,
): Promise<KeyInfo[]> {
  const vault = context.vaultFor(key);
  const target = formatAzureKeyUri({ host: key.host, name: key.name });
  const listed = await listProperties(
    context,
    vault,
    (abortSignal) => vault.client.listPropertiesOfKeyVersions(key.name, { abortSignal }),
    target,
    signal,
  );
  const versions = listed.flatMap((p) => (p.version ? [p.version] : []));
  // A vault lists no versions for a name it does not hold.
  if (versions.length === 0) throw notFound(target);
  const keys = await mapLimit(versions, CONCURRENCY, (version) =>
    describe(context, { host: key.host, name: key.name, version }, signal),
  );
  const infos = keys.flatMap((k) => (k ? [k.info] : []));
  return infos.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
}

function notFound(uri: string): SignetError {
  return new SignetError('KEY_NOT_FOUND', `No key ${uri}`, { details: { key: uri } });
}
