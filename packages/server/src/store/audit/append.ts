import { SignetError } from '@signet/sdk';
import { GENESIS_PREV, type AuditRecord } from '@signet/sdk/audit';
import type { Database } from '../database.js';
import { sealRecords, type PreparedEvent } from './records.js';
import { lockAuditLog, type WriteTransaction } from './write-transaction.js';

/** Rows per INSERT: 5 parameters each stays far below SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 500;

/**
 * Appends events inside the caller's write transaction: takes the log's lock, reads the last
 * record (index, leaf hash), seals the events after it and inserts them. The records are durable
 * only when the caller commits, and vanish with a rollback, leaving no hole: the next append reads
 * the same tail again. The database, not this process, decides the order.
 */
export async function appendPrepared(
  trx: WriteTransaction,
  database: Pick<Database, 'dialect'>,
  events: readonly PreparedEvent[],
): Promise<AuditRecord[]> {
  if (events.length === 0) return [];
  await lockAuditLog(trx, database);
  const last = await trx
    .selectFrom('audit_records')
    .select(['index', 'leaf_hash'])
    .orderBy('index', 'desc')
    .limit(1)
    .executeTakeFirst();
  const size = last ? Number(last.index) + 1 : 0;
  const sealed = sealRecords(events, size, last?.leaf_hash ?? GENESIS_PREV);
  for (let at = 0; at < sealed.length; at += INSERT_CHUNK) {
    await trx
      .insertInto('audit_records')
      .values(
        sealed.slice(at, at + INSERT_CHUNK).map(({ record, json, leafHash }) => ({
          index: record.index,
          json,
          leaf_hash: Buffer.from(leafHash).toString('hex'),
          type: record.type,
          time: Date.parse(record.time),
        })),
      )
      .execute();
  }
  await recordUsage(
    trx,
    sealed.map((s) => s.record),
  );
  return sealed.map((s) => s.record);
}

/**
 * Quotas count signatures: each `signature` record also becomes a usage row in the same
 * transaction, so usage is exactly what the audit log holds, and costs no commit of its own.
 */
async function recordUsage(trx: WriteTransaction, records: readonly AuditRecord[]): Promise<void> {
  const rows = records
    .filter((r) => r.type === 'signature' && typeof r.data.key === 'string' && typeof r.data.rule === 'string')
    .map((r) => ({
      key: r.data.key as string,
      principal: r.actor,
      rule: r.data.rule as string,
      at: Date.parse(r.time),
      count: 1,
    }));
  for (let at = 0; at < rows.length; at += INSERT_CHUNK) {
    await trx
      .insertInto('usage')
      .values(rows.slice(at, at + INSERT_CHUNK))
      .execute();
  }
}

/** A database failure as the engine must see it: `AUDIT_UNAVAILABLE` (discard the signature). */
export function auditUnavailable(cause: unknown): SignetError {
  if (cause instanceof SignetError) return cause;
  const why = cause instanceof Error ? cause.message : String(cause);
  return new SignetError('AUDIT_UNAVAILABLE', `The audit store failed: ${why}`, { cause });
}
