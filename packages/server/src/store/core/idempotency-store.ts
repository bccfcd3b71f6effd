import { setTimeout as delay } from 'node:timers/promises';
import type { Selectable } from 'kysely';
import type { IdempotencyClaim, IdempotencyStore } from '@signet/sdk/signing';
import type { Database } from '../database.js';
import { decodeResult, encodeResult, fromMillis } from './codec.js';
import type { IdempotencyTable } from './tables.js';

/** Options of {@link createDbIdempotencyStore}. */
export interface DbIdempotencyStoreOptions {
  /** How often a caller waiting on another's claim looks at the row again, in ms. Default 100. */
  pollIntervalMs?: number;
  /**
   * After how long an `in-progress` claim counts as abandoned by a crashed process and may be
   * taken over, in ms. Must exceed the longest signing. Default 300000 (5 minutes).
   */
  staleAfterMs?: number;
}

type Row = Selectable<IdempotencyTable>;

/**
 * Idempotency keys in the database, correct across server replicas sharing it. The database
 * arbitrates: a claim is an `INSERT ... ON CONFLICT DO NOTHING` on the key, and exactly one
 * inserter wins. Otherwise it behaves like the SDK's `createMemoryIdempotencyStore`: another
 * fingerprint gets `conflict`, a finished key `done`, and a key still being worked on `in-progress`
 * with a `settled` promise, here resolved by polling the row until it is done, released, taken over
 * or stale. A stale `in-progress` row (older than `staleAfterMs`, its process presumably gone) is
 * taken over by the next claim, whatever its fingerprint, as if the crashed process had released it.
 *
 * @example
 * ```ts
 * const engine = createSigningEngine({ ..., idempotency: createDbIdempotencyStore(database) });
 * ```
 */
export function createDbIdempotencyStore(
  database: Database,
  options: DbIdempotencyStoreOptions = {},
): IdempotencyStore {
  const { db } = database;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const staleAfterMs = options.staleAfterMs ?? 300_000;
  const isStale = (row: Row, now: number): boolean =>
    row.state === 'in-progress' && now - fromMillis(row.updated_at).getTime() > staleAfterMs;

  /** Compare-and-set on the row as read: of several callers taking over, one matches. */
  async function takeOver(row: Row, fingerprint: string, now: number): Promise<boolean> {
    const result = await db
      .updateTable('idempotency')
      .set({ fingerprint, created_at: now, updated_at: now })
      .where('key', '=', row.key)
      .where('state', '=', 'in-progress')
      .where('fingerprint', '=', row.fingerprint)
      .where('updated_at', '=', Number(row.updated_at))
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Resolves once the claim seen is no longer being worked on; the caller then claims again. */
  async function settled(seen: Row): Promise<void> {
    for (;;) {
      await delay(pollIntervalMs);
      let row: Row | undefined;
      try {
        row = await db.selectFrom('idempotency').selectAll().where('key', '=', seen.key).executeTakeFirst();
      } catch {
        return; // never reject: the caller's next claim meets the error and reports it
      }
      if (!row || row.state === 'done' || row.fingerprint !== seen.fingerprint) return;
      if (Number(row.created_at) !== Number(seen.created_at) || isStale(row, Date.now())) return;
    }
  }

  return {
    async claim(key, fingerprint): Promise<IdempotencyClaim> {
      for (;;) {
        const now = Date.now();
        const inserted = await db
          .insertInto('idempotency')
          .values({ key, fingerprint, state: 'in-progress', result: null, created_at: now, updated_at: now })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        if (inserted.numInsertedOrUpdatedRows === 1n) return { state: 'new' };
        const row = await db.selectFrom('idempotency').selectAll().where('key', '=', key).executeTakeFirst();
        if (!row) continue; // released between our insert and our read: try again
        if (isStale(row, now)) {
          if (await takeOver(row, fingerprint, now)) return { state: 'new' };
          continue; // someone else took it over or finished first: look again
        }
        if (row.fingerprint !== fingerprint) return { state: 'conflict' };
        if (row.state === 'done' && row.result !== null) return { state: 'done', result: decodeResult(row.result) };
        return { state: 'in-progress', settled: settled(row) };
      }
    },
    async complete(key, result) {
      await db
        .updateTable('idempotency')
        .set({ state: 'done', result: encodeResult(result), updated_at: Date.now() })
        .where('key', '=', key)
        .execute();
    },
    async release(key) {
      await db.deleteFrom('idempotency').where('key', '=', key).execute();
    },
  };
}
