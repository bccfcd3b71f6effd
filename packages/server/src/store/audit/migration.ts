import type { Migration } from 'kysely';
import type { Dialect } from '../database.js';

/** The audit log's tables. Integers are 64-bit on both dialects (`bigint` / SQLite `integer`). */
export function auditMigration(dialect: Dialect): Migration {
  const int64 = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db) {
      await db.schema
        .createTable('audit_records')
        .addColumn('index', int64, (c) => c.primaryKey())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('leaf_hash', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('time', int64, (c) => c.notNull())
        .execute();
      // Signature lookups per request go through `json`; type + time serves "what happened when".
      await db.schema.createIndex('audit_records_type_time').on('audit_records').columns(['type', 'time']).execute();
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('tree_size', int64, (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .execute();
    },
    async down(db) {
      await db.schema.dropTable('audit_checkpoints').execute();
      await db.schema.dropTable('audit_records').execute();
    },
  };
}
