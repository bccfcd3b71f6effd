import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/** The certificate chains of keys whose provider cannot store them. */
export function keysMigration(dialect: Dialect): Migration {
  const millis = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('key_certificates')
        .addColumn('key_uri', 'text', (c) => c.primaryKey())
        .addColumn('certificates', 'text', (c) => c.notNull())
        .addColumn('updated_at', millis, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('key_certificates').execute();
    },
  };
}
