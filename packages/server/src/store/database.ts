import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import { SignetError } from '@signet/sdk';
import { MIGRATIONS } from './migrations/index.js';
import type { Schema } from './schema.js';
import { openSqlite } from './sqlite-connection.js';

/** Which database the server runs on: SQLite embedded (default), PostgreSQL to scale out. */
export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * `postgres://...` or `postgresql://...` for PostgreSQL; a file path (or `sqlite:PATH`) for SQLite.
   * `:memory:` is an in-memory SQLite database (tests).
   */
  url: string;
  /** PostgreSQL schema to use (search_path), e.g. one per test run. Default: the server's default. */
  schema?: string;
  /** PostgreSQL pool size. Default 10. */
  poolSize?: number;
}

/**
 * Opens the database and brings its schema to the latest version (migrations run at start).
 *
 * SQLite runs in WAL mode with a busy timeout, so readers never block the single writer; it is opened
 * with `node:sqlite` on Node 24 and later, better-sqlite3 before (see `defaultSqliteDriver`).
 * PostgreSQL gets a pool whose connections use `schema` when given.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const postgres = /^postgres(ql)?:\/\//.test(options.url);
  let db: Kysely<Schema>;
  if (postgres) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
    });
    // An idle connection the server drops (a restart, a failover) is an 'error' event on the pool;
    // unheard, it would end the process. The pool discards that connection and the next query
    // opens a new one, so there is nothing else to do.
    pool.on('error', () => undefined);
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  } else {
    const sqlite = await openSqlite(options.url.replace(/^sqlite:/, ''));
    sqlite.exec('PRAGMA journal_mode = WAL');
    sqlite.exec('PRAGMA synchronous = FULL'); // durable commits: the audit log relies on them
    sqlite.exec('PRAGMA busy_timeout = 5000');
    sqlite.exec('PRAGMA foreign_keys = ON');
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const database: Database = { db, dialect: postgres ? 'postgres' : 'sqlite', close: () => db.destroy() };
  try {
    await migrateToLatest(database, postgres ? options.schema : undefined);
  } catch (cause) {
    await db.destroy();
    throw new SignetError('UNAVAILABLE', `The database could not be prepared: ${(cause as Error).message}`, { cause });
  }
  return database;
}

async function migrateToLatest(database: Database, schema: string | undefined): Promise<void> {
  const migrator = new Migrator({
    db: database.db,
    // Kysely's bookkeeping tables live in the same schema as ours, or schemas would share a lock.
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: {
      getMigrations: async () =>
        Object.fromEntries(MIGRATIONS.map(([name, make]) => [name, make(database.dialect)])) as Record<
          string,
          Migration
        >,
    },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name))
    throw new SignetError('INVALID_ARGUMENT', `"${name}" is not a plain schema name`);
  return name;
}
