import { withRetries, type RetryOptions } from '@signet/sdk';
import { kmsAlgorithm } from './algorithms.js';
import { callKms, type KmsCall } from './kms-call.js';
import type { KmsClient } from './kms-client.js';

/** An ENABLED version of an ASYMMETRIC_SIGN key, with an algorithm Signet signs with. */
export interface ListedVersion {
  readonly name: string;
  readonly createdAt?: Date;
}

export interface ListingContext {
  client: () => Promise<KmsClient>;
  retry: RetryOptions;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** The most Cloud KMS returns in one page. */
const PAGE_SIZE = 1000;
/** Calls in flight at once while walking keys: enough to hide latency, few enough to stay under quota. */
const CONCURRENCY = 8;

interface Timestamp {
  seconds?: string | number | null;
  nanos?: number | null;
}

/** Walks key rings (and the key rings of locations) down to the signing key versions in them. */
export async function listSigningVersions(
  ctx: ListingContext,
  keyRings: readonly string[],
  locations: readonly string[],
): Promise<ListedVersion[]> {
  const found = await mapLimit(locations, (parent) => listAll<{ name: string }>(ctx, 'listKeyRings', parent));
  const rings = [...new Set([...keyRings, ...found.flat().map((r) => r.name)])];
  const keys = (
    await mapLimit(rings, (parent) => listAll<{ name: string; purpose?: unknown }>(ctx, 'listCryptoKeys', parent))
  )
    .flat()
    .filter((k) => k.purpose === 'ASYMMETRIC_SIGN');
  const versions = await mapLimit(keys, (key) =>
    listAll<{ name: string; state?: unknown; algorithm?: unknown; createTime?: Timestamp | null }>(
      ctx,
      'listCryptoKeyVersions',
      key.name,
    ),
  );
  return versions
    .flat()
    .filter((v) => v.state === 'ENABLED' && kmsAlgorithm(v.algorithm))
    .map((v) => ({ name: v.name, ...createdAt(v.createTime) }));
}

/** Every item of a paged list, one page per call, each page retried on its own. */
async function listAll<T>(ctx: ListingContext, method: string, parent: string): Promise<T[]> {
  const items: T[] = [];
  let pageToken = '';
  do {
    const request = { parent, pageSize: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) };
    const call: KmsCall = {
      method,
      request,
      routing: 'parent',
      action: 'list',
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    };
    const [page, , raw] = await withRetries(async () => callKms(await ctx.client(), call), {
      ...ctx.retry,
      signal: ctx.signal,
    });
    items.push(...((page as T[] | null) ?? []));
    pageToken = String((raw as Record<string, unknown> | null)?.nextPageToken ?? '');
  } while (pageToken);
  return items;
}

function createdAt(time: Timestamp | null | undefined): { createdAt?: Date } {
  if (!time?.seconds) return {};
  return { createdAt: new Date(Number(time.seconds) * 1000 + Math.floor((time.nanos ?? 0) / 1e6)) };
}

/** `Promise.all(items.map(fn))` with at most {@link CONCURRENCY} calls running. */
export async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        next = items.length; // the walk has failed: start nothing more
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}
