import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { openDatabase, type Database, type Dialect } from '../../../src/store/database.js';
import { POSTGRES_URL } from '../../helpers/databases.js';

/**
 * `freshDatabase`, except that PostgreSQL gets a database of its own rather than a schema.
 *
 * Why: kysely's Migrator looks for its lock table in every schema (it introspects all tables when
 * `migrationTableSchema` is not set) but then queries it through `search_path`; once one schema in
 * the database holds `kysely_migration_lock`, migrating the next schema fails with "relation
 * kysely_migration_lock does not exist". Until `openDatabase` passes `migrationTableSchema`, a
 * database per test keeps these tests independent of that. Two replicas: `openDatabase({ url })`
 * twice on the returned `url`. Called inside a test (one database per test), it cleans up when
 * the test finishes: `afterAll` registered inside a test never runs.
 */
export async function freshDatabase(dialect: Dialect): Promise<Database & { url: string; schema?: string }> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'signet-db-'));
    const url = join(dir, 'signet.db');
    const database = await openDatabase({ url });
    onTestFinished(async () => {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    });
    return Object.assign(database, { url });
  }
  const name = `signet_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.href });
  onTestFinished(async () => {
    await database.close();
    await dropDatabase(name);
  });
  return Object.assign(database, { url: url.href });
}

/**
 * The pool's `end()` resolves once its clients sent their goodbye, not once their backends left:
 * a FORCE drop right away terminates those backends, and the FATAL that reaches a closing client
 * is an uncaught error that fails the run. So wait (briefly) for the backends to go first.
 */
async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (let tries = 0; tries < 50; tries++) {
      const { rows } = await client.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if ((rows[0] as { n: number }).n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
