import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Creates the core tables (see `tables.ts` for what each column holds and why times are epoch
 * milliseconds). The dialects differ only in the integer type for times and in how the approvals'
 * insertion-order column is generated.
 */
export function coreMigration(dialect: Dialect): Migration {
  const millis = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    // Migrations are schema-agnostic by nature: kysely hands them an untyped handle.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('policies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull().unique())
        .addColumn('revision', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('usage')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('at', millis, (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .execute();
      // The policy's three query shapes: quotas per key, per principal, and release windows per
      // rule, each over a time range (the equality column first, then the range).
      for (const column of ['key', 'principal', 'rule'] as const)
        await db.schema.createIndex(`usage_${column}_at`).on('usage').columns([column, 'at']).execute();

      await db.schema
        .createTable('pending_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('updated_at', millis, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('approvals')
        // SQLite's `integer primary key` is the rowid: always above every row present, so it keeps
        // insertion order; PostgreSQL needs a sequence for that.
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('approver', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approve', 'deny')`))
        .addColumn('at', millis, (c) => c.notNull())
        .addColumn('comment', 'text')
        .execute();
      await db.schema.createIndex('approvals_fingerprint').on('approvals').columns(['fingerprint', 'seq']).execute();

      await db.schema
        .createTable('idempotency')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('in-progress', 'done')`))
        .addColumn('result', 'text')
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('updated_at', millis, (c) => c.notNull())
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['idempotency', 'approvals', 'pending_requests', 'usage', 'policies'])
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
