import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll } from 'vitest';
import type { Services } from '../../src/api/services.js';
import { serverConfigSchema } from '../../src/config/schema.js';
import { createSignetServer, type SignetServer } from '../../src/server.js';
import { openDatabase, type Database, type Dialect } from '../../src/store/database.js';
import { freshPostgresSchema, POSTGRES_URL } from './databases.js';

/** A server's services on a real database, built by the composition root, with a window onto its rows. */
export interface DbServices {
  readonly services: Services;
  readonly server: SignetServer;
  /** The admin bootstrap token the first start created. */
  readonly adminToken: string;
  /** A second connection to the server's database, for looking at its rows. */
  readonly inspect: Database;
  /** Every table's row count and a hash of its rows: two equal snapshots mean nothing was written. */
  snapshot(): Promise<Record<string, string>>;
}

/** Servers and folders of the current test file, closed after it (before databases.ts drops the schemas). */
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * `createSignetServer` on `dialect` (SQLite in a temporary data folder, or a fresh PostgreSQL
 * schema), not listening: use `createApp(services)` and `app.request()`. Job workers do not run
 * unless the test starts them, so nothing changes the database behind the test's back.
 */
export async function dbServices(dialect: Dialect, config: Record<string, unknown> = {}): Promise<DbServices> {
  const dataDir = await mkdtemp(join(tmpdir(), 'signet-dbservices-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const schema = dialect === 'postgres' ? await freshPostgresSchema() : undefined;
  const server = await createSignetServer(
    serverConfigSchema.parse({
      dataDir,
      database: schema ? { url: POSTGRES_URL, schema, poolSize: 4 } : {},
      logLevel: 'silent',
      audit: { checkpointIntervalSec: 3600 },
      ...config,
    }),
    {},
    { logger: pino({ level: 'silent' }) },
  );
  cleanups.push(() => server.close());
  const inspect = await openDatabase(
    schema ? { url: POSTGRES_URL, schema, poolSize: 2 } : { url: join(dataDir, 'signet.db') },
  );
  cleanups.push(() => inspect.close());
  if (!server.bootstrapToken) throw new Error('a fresh database should give a bootstrap token');

  const tables = await tableNames(inspect, schema);
  return {
    services: server.services,
    server,
    adminToken: server.bootstrapToken,
    inspect,
    async snapshot() {
      const out: Record<string, string> = {};
      for (const table of tables) {
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(inspect.db);
        const lines = rows.map((row) =>
          JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
        );
        out[table] =
          `${rows.length} rows, ${createHash('sha256').update(lines.sort().join('\n')).digest('hex').slice(0, 16)}`;
      }
      return out;
    },
  };
}

/** Every table of the server's own (kysely's migration bookkeeping aside), read from the catalogue. */
async function tableNames(database: Database, schema: string | undefined): Promise<string[]> {
  const { rows } =
    database.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(database.db)
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = ${schema}`.execute(
          database.db,
        );
  const names = rows.map((r) => r.name).filter((n) => !n.startsWith('sqlite_') && !n.startsWith('kysely_'));
  if (names.length < 10) throw new Error(`expected the server's tables, found ${names.join(', ')}`);
  return names.sort();
}
