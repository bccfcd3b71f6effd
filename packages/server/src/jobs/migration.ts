import { sql, type Migration } from 'kysely';
import type { Dialect } from '../store/database.js';

/** The jobs table; times are epoch milliseconds in 64-bit integers, as elsewhere in the store. */
export function jobsMigration(dialect: Dialect): Migration {
  const int64 = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('queued', 'awaiting-approval', 'running', 'done', 'failed', 'cancelled')`),
        )
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_after', int64, (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', int64)
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('updated_at', int64, (c) => c.notNull())
        .execute();
      // The claim query: queued jobs that are due, and running jobs whose lease ran out, oldest first.
      await db.schema.createIndex('jobs_claim').on('jobs').columns(['state', 'run_after', 'created_at']).execute();
      await db.schema.createIndex('jobs_request_id').on('jobs').columns(['request_id', 'state']).execute();
    },
    async down(db) {
      await db.schema.dropTable('jobs').execute();
    },
  };
}

/** Jobs remember the submitter's idempotency key, so a retried submission finds its job. */
export function jobsIdempotencyMigration(): Migration {
  return {
    async up(db) {
      await db.schema.alterTable('jobs').addColumn('idempotency_key', 'text').execute();
      // Unique, and NULLs are distinct in both dialects: jobs without a key never collide.
      await db.schema.createIndex('jobs_idempotency_key').on('jobs').column('idempotency_key').unique().execute();
    },
    async down(db) {
      await db.schema.dropIndex('jobs_idempotency_key').execute();
      await db.schema.alterTable('jobs').dropColumn('idempotency_key').execute();
    },
  };
}
