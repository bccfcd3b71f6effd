import { isSignetError, throwIfAborted, type KeyInfo } from '@signet/sdk';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { completeKeyInfo, describeKmsKey, signableSpec } from './key-info.js';
import type { KmsCaller } from './kms-caller.js';
import type { AwsKmsProviderOptions } from './options.js';
import { formatAwsKmsUri } from './uri.js';

/**
 * The keys `listKeys` returns: the configured `keys`, or every key of the region that can sign
 * with a Signet algorithm and carries the configured tags. Scanning costs ListKeys and ListAliases
 * pages, then DescribeKey per key, ListResourceTags per signing key when filtering by tag, and
 * GetPublicKey per key returned, a few at a time.
 */
export async function discoverKeys(
  caller: KmsCaller,
  options: AwsKmsProviderOptions,
  signal: AbortSignal | undefined,
): Promise<KeyInfo[]> {
  throwIfAborted(signal);
  const limit = options.listConcurrency ?? 8;
  if (options.keys) return mapLimit(options.keys, limit, (uri) => describeKmsKey(caller, uri, signal));

  const [keys, aliases] = await Promise.all([
    pages((Marker) =>
      caller
        .call({ operation: 'ListKeys' }, (api, send) => api.listKeys({ Marker }, send), { signal })
        .then((out) => ({
          items: out.Keys ?? [],
          next: out.Truncated ? out.NextMarker : undefined,
        })),
    ),
    pages((Marker) =>
      caller
        .call({ operation: 'ListAliases' }, (api, send) => api.listAliases({ Marker }, send), { signal })
        .then((out) => ({ items: out.Aliases ?? [], next: out.Truncated ? out.NextMarker : undefined })),
    ),
  ]);
  const aliasOf = new Map<string, string>();
  for (const { AliasName: name, TargetKeyId: target } of aliases.sort(byName)) {
    if (target && name?.startsWith('alias/') && !aliasOf.has(target)) aliasOf.set(target, name.slice(6));
  }

  const found = await mapLimit(keys, limit, async ({ KeyId, KeyArn }) => {
    const id = KeyArn ?? KeyId;
    if (!id) return undefined;
    const meta = await skipGone(() =>
      caller
        .call({ operation: 'DescribeKey' }, (api, send) => api.describeKey({ KeyId: id }, send), { signal })
        .then((out) => out.KeyMetadata),
    );
    if (!meta?.Arn || !signableSpec(meta)) return undefined;
    if (options.tags && !(await skipGone(() => hasTags(caller, meta, options.tags!, signal)))) return undefined;
    return skipGone(() => completeKeyInfo(caller, meta, { signal, name: aliasOf.get(meta.KeyId ?? '') }));
  });
  return found.filter((k): k is KeyInfo => k !== undefined);
}

async function hasTags(
  caller: KmsCaller,
  meta: KeyMetadata,
  wanted: Readonly<Record<string, string>>,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const tags = await pages((Marker) =>
    caller
      .call(
        { operation: 'ListResourceTags', key: formatAwsKmsUri(meta.Arn!) },
        (api, send) => api.listResourceTags({ KeyId: meta.Arn!, Marker }, send),
        { signal },
      )
      .then((out) => ({ items: out.Tags ?? [], next: out.Truncated ? out.NextMarker : undefined })),
  );
  const have = new Map(tags.map((t) => [t.TagKey, t.TagValue]));
  return Object.entries(wanted).every(([key, value]) => have.get(key) === value);
}

/**
 * A key deleted, disabled or closed to us between ListKeys and the next call is left out rather
 * than failing the whole listing; throttling and outages still fail it (after retries).
 */
async function skipGone<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isSignetError(error, 'KEY_NOT_FOUND', 'PERMISSION_DENIED', 'UNSUPPORTED_ALGORITHM')) return undefined;
    throw error;
  }
}

async function pages<T>(fetch: (marker: string | undefined) => Promise<{ items: T[]; next: string | undefined }>) {
  const all: T[] = [];
  const seen = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await fetch(marker);
    all.push(...page.items);
    marker = page.next;
    // A marker seen before would loop forever: stop rather than trust the answer.
    if (marker !== undefined && seen.has(marker)) break;
    if (marker !== undefined) seen.add(marker);
  } while (marker);
  return all;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping their order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        failed = true; // the listing fails: start no more calls
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function byName(a: { AliasName?: string | undefined }, b: { AliasName?: string | undefined }): number {
  const x = a.AliasName ?? '';
  const y = b.AliasName ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
