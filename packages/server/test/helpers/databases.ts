import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openDatabase, type Database, type Dialect } from '../../src/store/database.js';

/** The PostgreSQL every test run uses (this machine's: trust auth, database `test`). */
export const POSTGRES_URL = process.env.SIGNET_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Both dialects: the same suite runs against each (`describe.each(DIALECTS)`). */
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/**
 * A fresh, migrated database of `dialect`, dropped after the test file: SQLite in a temporary
 * folder, PostgreSQL in a schema of its own, so test files can run in parallel.
 */
export async function freshDatabase(dialect: Dialect): Promise<Database & { url: string; schema?: string }> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'signet-db-'));
    afterAll(() => rm(dir, { recursive: true, force: true }));
    const url = join(dir, 'signet.db');
    const database = await openDatabase({ url });
    afterAll(() => database.close());
    return Object.assign(database, { url });
  }
  const schema = `signet_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  let database: Database | undefined;
  // Registered before opening, so a failed open still drops its schema.
  afterAll(async () => {
    await database?.close();
    const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
    await cleanup.connect();
    await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
    await cleanup.end();
  });
  database = await openDatabase({ url: POSTGRES_URL, schema });
  return Object.assign(database, { url: POSTGRES_URL, schema });
}
