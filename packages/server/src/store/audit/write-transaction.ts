import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { Schema } from '../schema.js';

/** What runs inside a write transaction: a Kysely bound to the transaction's one connection. */
export type WriteTransaction = Kysely<Schema>;

/**
 * Runs `work` in one write transaction and commits when it resolves; rolls back when it throws.
 *
 * SQLite: `BEGIN IMMEDIATE` takes the database's write lock up front. A plain (deferred) `BEGIN`
 * that reads and then writes can fail with SQLITE_BUSY when another process upgraded first, and
 * the busy timeout does not help there; taking the lock first makes a second process wait instead.
 * PostgreSQL: an ordinary READ COMMITTED transaction; callers lock what they must (row locks,
 * {@link lockAuditLog}).
 */
export async function writeTransaction<T>(database: Database, work: (trx: WriteTransaction) => Promise<T>): Promise<T> {
  if (database.dialect === 'postgres') return database.db.transaction().execute(work);
  return database.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

/** Arbitrary, fixed: the first key of the audit log's advisory lock ("Sgnt"). */
const AUDIT_LOCK = 0x53676e74;

/**
 * Serialises audit appends across every replica until the transaction ends. PostgreSQL: a
 * transaction-scoped advisory lock, keyed also by the current schema so two deployments (or two
 * test schemas) in one database do not wait on each other; a hash collision only costs waiting.
 * SQLite: nothing to do, the write transaction already excludes every other writer.
 */
export async function lockAuditLog(trx: WriteTransaction, database: Pick<Database, 'dialect'>): Promise<void> {
  if (database.dialect !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK}, hashtext(current_schema()))`.execute(trx);
}
