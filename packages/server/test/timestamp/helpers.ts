import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll } from 'vitest';
import { sql } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { serverConfigSchema } from '../../src/config/schema.js';
import { createSignetServer, type SignetServer } from '../../src/server.js';
import { openDatabase, type Database, type Dialect } from '../../src/store/database.js';
import { freshPostgresSchema, POSTGRES_URL } from '../helpers/databases.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A server with its TSA on `dialect` (SQLite in a temporary data folder, or a fresh PostgreSQL
 * schema), not listening until a test calls `listen()`; closed after the test file.
 */
export async function tsaServer(dialect: Dialect, config: Record<string, unknown> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'signet-tsa-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const schema = dialect === 'postgres' ? await freshPostgresSchema() : undefined;
  const database = schema ? { url: POSTGRES_URL, schema, poolSize: 4 } : undefined;
  const server = await createSignetServer(
    serverConfigSchema.parse({
      dataDir,
      database: database ?? {},
      logLevel: 'silent',
      audit: { checkpointIntervalSec: 3600 },
      listen: { host: '127.0.0.1', port: 0 },
      ...config,
    }),
    {},
    { logger: pino({ level: 'silent' }) },
  );
  cleanups.push(() => server.close());
  // A second connection, to read the serial counter without taking a number.
  const inspect = await openDatabase(database ? { ...database, poolSize: 2 } : { url: join(dataDir, 'signet.db') });
  cleanups.push(() => inspect.close());
  const tsaKey = await (await server.services.providers.providerFor('soft://tsa')).getKey('soft://tsa');
  return { server, app: createApp(server.services), tsaCertificate: tsaKey.certificates[0]!, dataDir, inspect };
}

/** POSTs a TimeStampReq to an app. */
export function postQuery(app: ReturnType<typeof createApp>, body: Uint8Array, type = 'application/timestamp-query') {
  return app.request('/v1/timestamp', { method: 'POST', headers: { 'content-type': type }, body });
}

/** The last serial number taken, read without taking one. */
export async function lastSerial(database: Database): Promise<bigint> {
  if (database.dialect === 'postgres') {
    const { rows } = await sql<{
      last_value: string;
      is_called: boolean;
    }>`select last_value, is_called from tsa_serial_numbers`.execute(database.db);
    return rows[0]!.is_called ? BigInt(rows[0]!.last_value) : 0n;
  }
  const { rows } = await sql<{ last: number }>`select last from tsa_serial_numbers`.execute(database.db);
  return BigInt(rows[0]!.last);
}
