import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTimestampRequest, readTimestampResponse } from '@signet/sdk/timestamp';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshPostgresSchema, POSTGRES_URL } from '../helpers/databases.js';
import { killHard, startReplica, type ReplicaProcess } from '../e2e/replica-process.js';

/*
 * Two `signet-server` processes on one database and one data folder, as replicas run: SQLite
 * replicas must be processes (one process with two SQLite connections would block its own event
 * loop on the file lock), and PostgreSQL ones are too, for the same picture.
 */

const started: ReplicaProcess[] = [];
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((r) => killHard(r)));
  await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
});

/** Asks the TSA at `url` for a token and returns its serial number. */
async function serialFrom(url: string, n: number): Promise<bigint> {
  const request = createTimestampRequest({ data: new TextEncoder().encode(`artifact ${n}`) });
  const res = await fetch(`${url}/v1/timestamp`, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query' },
    body: request.der,
  });
  expect(res.status).toBe(200);
  return readTimestampResponse(new Uint8Array(await res.arrayBuffer()), request).serialNumber;
}

const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

describe.each(DIALECTS)('timestamp serial numbers of two servers on one %s database', (dialect) => {
  it('strictly increase from one request to the next, whichever server answers, and never repeat', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'signet-tsa-replicas-'));
    folders.push(dataDir);
    const env: Record<string, string> = { SIGNET_DATA: dataDir };
    if (dialect === 'postgres')
      Object.assign(env, { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: await freshPostgresSchema() });
    // One after the other: the first creates the keys and the schema.
    for (let i = 0; i < 2; i++) started.push(await startReplica(env));
    const urls = started.slice(-2).map((r) => r.url);

    const sequential: bigint[] = [];
    for (let i = 0; i < 10; i++) sequential.push(await serialFrom(urls[i % 2]!, i));
    expect(sequential[0]).toBe(1n);
    expect(sequential).toEqual([...sequential].sort(ascending));
    expect(new Set(sequential).size).toBe(sequential.length);

    const concurrent = await Promise.all(Array.from({ length: 40 }, (_, i) => serialFrom(urls[i % 2]!, 100 + i)));
    expect(new Set(concurrent).size).toBe(concurrent.length);
    expect(concurrent.every((s) => s > sequential.at(-1)!)).toBe(true);
  });
});
