import { execFile } from 'node:child_process';
import { createHash, randomBytes, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { verifyAuditExport, type AuditRecord, type SignedCheckpoint } from '@signet/sdk/audit';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { toPem } from '@signet/sdk/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshPostgresSchema, POSTGRES_URL } from '../helpers/databases.js';
import { killHard, startReplica, type ReplicaProcess } from './replica-process.js';

/*
 * Three `signet-server` processes on one PostgreSQL schema and one key store. 1,000 asynchronous
 * jobs go to random replicas, 16 at a time; part-way through one replica is killed with SIGKILL
 * while it holds running jobs, and restarted on the same port. Then every accepted job must be
 * done, signed once (one decision and one signature record in the audit log), with a signature
 * that verifies, and every checkpoint any replica signed must verify against the one export.
 */

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../../cli/dist/signet.js');
const JOBS = 1000;
const IN_FLIGHT = 16;
/** Short, so the killed replica's jobs are taken over within seconds. */
const LEASE_SEC = 2;
const KILL_AFTER = 300;
const RESTART_AFTER = 600;
const DEADLINE_MS = 45_000;

/** Submission n signs the SHA-256 of this message, so node:crypto can verify the signature over it. */
const message = (n: number) => Buffer.from(`replicated release ${n}\n`);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

interface Accepted {
  id: string;
  requestId: string;
  /** How many POSTs it took: a refused or cut connection is retried with the same idempotency key. */
  tries: number;
}

interface SignResultView {
  requestId: string;
  signatures: Array<{ digest: string; signature: string; auditIndex: number }>;
}

describe.skipIf(!DIALECTS.includes('postgres'))(
  'three replicas on one PostgreSQL, one killed with SIGKILL mid-run',
  () => {
    let dir: string;
    let env: Record<string, string>;
    let schema: string;
    let token: string;
    const replicas: ReplicaProcess[] = [];
    const accepted = new Map<number, Accepted>();
    const results = new Map<number, SignResultView>();
    let killed: { pid: number; running: number } | undefined;
    let failedPosts = 0;

    const api = async (replica: ReplicaProcess, path: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(`${replica.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(20_000),
      });
    const anyReplica = () => replicas[Math.floor(Math.random() * replicas.length)]!;
    const liveReplica = () => {
      const live = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
      return live[Math.floor(Math.random() * live.length)]!;
    };

    async function sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
      const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        return (await client.query(text, values)).rows as T[];
      } finally {
        await client.end();
      }
    }

    /** Submits job n to random replicas until one accepts it (202); the idempotency key makes retries safe. */
    async function submit(n: number): Promise<void> {
      const body = {
        key: 'soft://signing',
        algorithm: 'ecdsa-p256-sha256',
        items: [{ digest: sha256(message(n)).toString('hex') }],
        idempotencyKey: `replicas-test-${n}`,
      };
      for (let tries = 1; tries <= 50; tries++) {
        const response = await api(anyReplica(), '/v1/jobs', { method: 'POST', body }).catch(() => undefined);
        if (response?.status === 202) {
          const job = (await response.json()) as { id: string; requestId: string };
          accepted.set(n, { id: job.id, requestId: job.requestId, tries });
          return;
        }
        // Not accepted (connection refused or cut by the kill): try again, elsewhere.
        failedPosts++;
        if (response) expect.fail(`POST /v1/jobs answered ${response.status}: ${await response.text()}`);
        await delay(20);
      }
      throw new Error(`job ${n} was never accepted`);
    }

    /** Kills replica 1 as soon as the database shows it holding running jobs, so the kill strands work. */
    async function killReplicaWithRunningJobs(): Promise<void> {
      const victim = replicas[1]!;
      const owner = `%-${victim.child.pid}`;
      for (let polls = 0; polls < 500; polls++) {
        const [row] = await sql<{ n: number }>(
          "select count(*)::int as n from jobs where state = 'running' and lease_owner like $1",
          [owner],
        );
        if (row!.n > 0) {
          await killHard(victim);
          killed = { pid: victim.child.pid!, running: row!.n };
          return;
        }
        await delay(2);
      }
      throw new Error('replica 1 never held a running job');
    }

    async function waitForResult(n: number): Promise<void> {
      const deadline = Date.now() + DEADLINE_MS;
      while (Date.now() < deadline) {
        const response = await api(liveReplica(), `/v1/jobs/${accepted.get(n)!.id}/result?wait=10`).catch(
          () => undefined,
        );
        if (response?.status === 200) {
          results.set(n, (await response.json()) as SignResultView);
          return;
        }
        if (response && response.status !== 202) {
          expect.fail(`job ${n}: GET result answered ${response.status}: ${await response.text()}`);
        }
      }
      const [row] = await sql('select state, attempts, lease_owner, error from jobs where id = $1', [
        accepted.get(n)!.id,
      ]);
      throw new Error(`job ${n} not done within ${DEADLINE_MS} ms: ${JSON.stringify(row)}`);
    }

    /** Runs `work(0..count-1)` with at most `limit` at once. */
    async function pooled(count: number, limit: number, work: (n: number) => Promise<void>): Promise<void> {
      let next = 0;
      const lane = async () => {
        while (next < count) await work(next++);
      };
      await Promise.all(Array.from({ length: limit }, lane));
    }

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'signet-replicas-'));
      schema = await freshPostgresSchema();
      await writeFile(join(dir, 'master.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
      await writeFile(
        join(dir, 'signet.json'),
        JSON.stringify({
          jobs: { leaseSec: LEASE_SEC, concurrency: 8, pollIntervalMs: 100 },
          database: { poolSize: 6 },
          audit: { checkpointIntervalSec: 1 },
          rateLimit: 1_000_000,
        }),
      );
      env = {
        SIGNET_CONFIG: join(dir, 'signet.json'),
        SIGNET_DATA: join(dir, 'data'),
        SIGNET_MASTER_KEY_FILE: join(dir, 'master.key'),
        DATABASE_URL: POSTGRES_URL,
        DATABASE_SCHEMA: schema,
      };
      // The first start migrates, creates the keys and certificates, the policy and the admin token;
      // the others then find everything made (first starts at the same moment race on the key files).
      replicas.push(await startReplica(env));
      token = /(sgt_\S+)/.exec(replicas[0]!.banner)?.[1] ?? '';
      expect(token, replicas[0]!.banner).not.toBe('');
      replicas.push(...(await Promise.all([startReplica(env), startReplica(env)])));
      expect(replicas.slice(1).filter((r) => r.banner.includes('sgt_'))).toEqual([]); // one admin token
    }, 60_000);

    afterAll(async () => {
      await Promise.all(replicas.map(killHard));
      await rm(dir, { recursive: true, force: true });
    });

    it(
      'accepts all 1,000 jobs across a kill -9 and a restart, and finishes every one',
      async () => {
        const started = performance.now();
        let submitting = true;
        const accepting = async (count: number) => {
          while (submitting && accepted.size < count) await delay(5);
        };
        const killing = (async () => {
          await accepting(KILL_AFTER);
          await killReplicaWithRunningJobs();
          await accepting(RESTART_AFTER);
          replicas[1] = await startReplica(env, replicas[1]!.port);
        })();
        await Promise.all([pooled(JOBS, IN_FLIGHT, submit).finally(() => (submitting = false)), killing]);
        expect(accepted.size).toBe(JOBS);
        expect(killed).toBeDefined();
        const submitted = performance.now();
        await pooled(JOBS, IN_FLIGHT, waitForResult);
        const finished = performance.now();
        expect(results.size).toBe(JOBS);
        const states = await sql<{ state: string; n: number }>(
          'select state, count(*)::int as n from jobs group by state',
        );
        expect(states).toEqual([{ state: 'done', n: JOBS }]);
        // The kill stranded claimed jobs: they were taken over (a second claim) after the lease.
        const [{ reclaimed } = { reclaimed: 0 }] = await sql<{ reclaimed: number }>(
          'select count(*)::int as reclaimed from jobs where attempts > 1',
        );
        expect(reclaimed).toBeGreaterThan(0);
        const retried = [...accepted.values()].filter((j) => j.tries > 1).length;
        console.info(
          `replicas: ${failedPosts} POSTs not accepted (${retried} jobs accepted on a retry), replica pid ` +
            `${killed!.pid} killed holding ${killed!.running} running jobs, ${reclaimed} jobs taken over after the lease; ` +
            `submitting took ${Math.round(submitted - started)} ms, the rest finished ${Math.round(finished - submitted)} ms later`,
        );
      },
      DEADLINE_MS + 30_000,
    );

    it('signed each job once, with a signature that verifies against the signing key', async () => {
      expect(results.size, 'every job finished above').toBe(JOBS);
      const publicKey = await publicKeyPem('soft://signing');
      const records = await exportedRecords();
      const byIndex = new Map(records.map((r) => [r.index, r]));
      for (const [n, job] of accepted) {
        const result = results.get(n)!;
        expect(result.requestId).toBe(job.requestId);
        const [signed] = result.signatures;
        const signature = Buffer.from(signed!.signature, 'base64');
        expect(verify('sha256', message(n), publicKey, signature), `job ${n}`).toBe(true);
        // The record the result names is this job's signature.
        expect(byIndex.get(signed!.auditIndex)).toMatchObject({
          type: 'signature',
          data: { requestId: job.requestId, signature: signed!.signature },
        });
      }
      for (const type of ['decision', 'signature'] as const) {
        const counts = new Map<string, number>();
        for (const r of records.filter((r) => r.type === type)) {
          const id = r.data.requestId as string;
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        expect(counts.size, type).toBe(JOBS);
        expect(new Set(counts.keys())).toEqual(new Set([...accepted.values()].map((j) => j.requestId)));
        expect(
          [...counts.values()].every((c) => c === 1),
          `one ${type} record per job`,
        ).toBe(true);
      }
    });

    it('keeps one audit tree: every checkpoint any replica signed verifies against the one export', async () => {
      const auditKey = await publicKeyPem('soft://audit');
      const events = await (await api(liveReplica(), '/v1/audit/export')).text();
      const stored = await sql<{ json: string }>('select json from audit_checkpoints order by id');
      const checkpoints = stored.map((r) => JSON.parse(r.json) as SignedCheckpoint);
      for (const replica of replicas) {
        checkpoints.push((await (await api(replica, '/v1/audit/checkpoint')).json()) as SignedCheckpoint);
      }
      expect(new Set(checkpoints.map((c) => c.treeSize)).size).toBeGreaterThan(3);
      for (const checkpoint of checkpoints) {
        expect(
          verifyAuditExport({ events, checkpoint, publicKey: auditKey }),
          `checkpoint of ${checkpoint.treeSize}`,
        ).toMatchObject({ ok: true, treeSize: checkpoint.treeSize });
      }
      // And as an operator checks it: the CLI against a replica, with the audit key from the key store.
      await writeFile(join(dir, 'audit.pem'), auditKey);
      const { stdout } = await run(
        process.execPath,
        [CLI, 'audit', 'verify', '--server', liveReplica().url, '--public-key', join(dir, 'audit.pem')],
        { env: { ...process.env, SIGNET_TOKEN: token, SIGNET_HOME: join(dir, 'home') }, timeout: 20_000 },
      );
      expect(stdout).toMatch(/^OK {2}audit log verified/);
    });

    async function exportedRecords(): Promise<AuditRecord[]> {
      const text = await (await api(liveReplica(), '/v1/audit/export')).text();
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AuditRecord);
    }

    /** From the key store itself (opened with the master key), not from the servers' word. */
    async function publicKeyPem(uri: string): Promise<string> {
      const masterKey = Buffer.from(await readFile(join(dir, 'master.key'), 'utf8'), 'base64');
      const keys = await createSoftKeyProvider({ directory: join(dir, 'data/keys'), secret: { masterKey } });
      try {
        return toPem('PUBLIC KEY', (await keys.getKey(uri)).publicKey);
      } finally {
        await keys.close();
      }
    }
  },
);
