import type { UsageStore } from '@signet/sdk/signing';
import type { Database } from '../database.js';

/**
 * Past signatures in the database, for quotas and release windows. Behaves like the SDK's
 * `createMemoryUsageStore`: `since` is inclusive, `until` exclusive and unbounded when absent, and
 * an empty filter (`key: ''`) counts everything, as the memory store does. With `recordedByAudit`,
 * `record` does nothing: the database audit log writes a usage row for every `signature` record
 * in the transaction that appends it.
 *
 * @example
 * ```ts
 * const engine = createSigningEngine({ ..., usage: createDbUsageStore(database) });
 * ```
 */
export function createDbUsageStore(database: Database, options: { recordedByAudit?: boolean } = {}): UsageStore {
  const { db } = database;
  return {
    async record(entry) {
      // With the server's audit log, the audit append already wrote these rows (same transaction).
      if (options.recordedByAudit) return;
      const { key, principal, rule, at, count } = entry;
      await db.insertInto('usage').values({ key, principal, rule, at: at.getTime(), count }).execute();
    },
    async count(query) {
      let select = db
        .selectFrom('usage')
        .select((eb) => eb.fn.sum<number | string | null>('count').as('total'))
        .where('at', '>=', query.since.getTime());
      if (query.until) select = select.where('at', '<', query.until.getTime());
      if (query.key) select = select.where('key', '=', query.key);
      if (query.principal) select = select.where('principal', '=', query.principal);
      if (query.rule) select = select.where('rule', '=', query.rule);
      const row = await select.executeTakeFirst();
      // SUM over no rows is NULL; over PostgreSQL integers it is a `bigint`, returned as a string.
      return Number(row?.total ?? 0);
    },
  };
}
