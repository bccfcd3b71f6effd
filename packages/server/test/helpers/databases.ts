import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openDatabase, type Database, type Dialect } from '../../src/store/database.js';

/** The PostgreSQL every test run uses (this machine's: trust auth, database `test`). */
export const POSTGRES_URL = process.env.SIGNET_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Cleanups of the databases this test file opened. Hooks registered inside another hook or a test
 * do not run, so one hook at the file's top level closes them all: no handle or schema outlives
 * its file.
 */
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Both dialects: the same suite runs against each (`describe.each(DIALECTS)`).
 * `SIGNET_TEST_DIALECTS=sqlite` (or `postgres`) narrows it, e.g. on a machine without PostgreSQL.
 * SQLite is better-sqlite3 on Node 20 and 22 and `node:sqlite` from Node 24 on, so CI's two passes
 * test both drivers.
 */
export const DIALECTS: readonly Dialect[] = (['sqlite', 'postgres'] as const).filter(
  (d) => !process.env.SIGNET_TEST_DIALECTS || process.env.SIGNET_TEST_DIALECTS.split(',').includes(d),
);

/** A fresh PostgreSQL schema for a server process, dropped by the file's cleanup. */
export async function freshPostgresSchema(): Promise<string> {
  const schema = `signet_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  cleanups.push(async () => {
    const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
    await cleanup.connect();
    await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
    await cleanup.end();
  });
  return schema;
}

/**
 * A fresh, migrated database of `dialect`, dropped after the test file: SQLite in a temporary
 * folder, PostgreSQL in a schema of its own, so test files can run in parallel.
 */
export async function freshDatabase(dialect: Dialect): Promise<Database & { url: string; schema?: string }> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'signet-db-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const url = join(dir, 'signet.db');
    const database = await openDatabase({ url });
    cleanups.push(() => database.close());
    return Object.assign(database, { url });
  }
  const schema = `signet_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  let database: Database | undefined;
  // Registered before opening, so a failed open still drops its schema.
  cleanups.push(async () => {
    await database?.close();
    const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
    await cleanup.connect();
    await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
    await cleanup.end();
  });
  database = await openDatabase({ url: POSTGRES_URL, schema });
  return Object.assign(database, { url: POSTGRES_URL, schema });
}
