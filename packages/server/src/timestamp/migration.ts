import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../store/database.js';

/**
 * Serial numbers of the timestamp authority, shared by every replica: a PostgreSQL sequence
 * (`nextval` never hands out a value twice and needs no row lock), or in SQLite a single-row
 * counter that each timestamp increments in a write transaction.
 */
export function timestampMigration(dialect: Dialect): Migration {
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      if (dialect === 'postgres') {
        // CACHE 1 (the default): values come out in the order replicas ask, so serials increase.
        await sql`create sequence tsa_serial_numbers as bigint start with 1 no cycle`.execute(db);
        return;
      }
      await db.schema
        .createTable('tsa_serial_numbers')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('last', 'integer', (c) => c.notNull())
        .execute();
      await db.insertInto('tsa_serial_numbers').values({ id: 1, last: 0 }).execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>): Promise<void> {
      if (dialect === 'postgres') await sql`drop sequence tsa_serial_numbers`.execute(db);
      else await db.schema.dropTable('tsa_serial_numbers').execute();
    },
  };
}
