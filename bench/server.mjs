// Signing through HTTP: signatures per second and p50/p99 latency of POST /v1/sign against the
// real signet-server (a separate process, SQLite and then PostgreSQL), as a ratio to signing the
// same digest with the same key directly through the software provider in this process.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createSigner } from '@signet/sdk';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { fmt, opsPerSecond, ratio, table } from './lib/measure.mjs';

const SERVER = new URL('../packages/server/dist/signet-server.js', import.meta.url).pathname;
const POSTGRES = process.env.SIGNET_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEYS = [
  ['bench-p256', 'ec-p256', 'ecdsa-p256-sha256'],
  ['bench-rsa3072', 'rsa-3072', 'rsa-pkcs1-sha256'],
];

async function startServer(data, env) {
  // The per-principal rate limit (200/s by default) would measure itself, not the server.
  const config = join(data, 'bench-config.yaml');
  await writeFile(config, 'rateLimit: 1000000\n');
  const child = spawn(process.execPath, [SERVER], {
    env: {
      ...process.env,
      ...env,
      SIGNET_CONFIG: config,
      SIGNET_DATA: data,
      SIGNET_LISTEN: '127.0.0.1:0',
      SIGNET_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let banner = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      banner += chunk;
      const m = /listening on (\S+)/.exec(banner);
      if (m) setTimeout(() => resolve(m[1]), 200);
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${banner}`)));
  });
  return { child, url, token: /(sgt_\S+)/.exec(banner)?.[1] };
}

/**
 * One POST over a kept-alive connection. node:http rather than fetch: the client shares the two
 * cores with the server, and undici's fetch costs several times more CPU per request.
 */
function post(agent, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`sign answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `concurrency` callers posting one digest each, for `seconds`: ops/s and latency percentiles. */
async function load(url, token, key, seconds, concurrency) {
  const body = JSON.stringify({ key: `soft://${key}`, items: [{ digest: randomBytes(32).toString('hex') }] });
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = `${url}/v1/sign`;
  const latencies = [];
  for (let i = 0; i < 20; i++) await post(agent, target, headers, body);
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await post(agent, target, headers, body);
        latencies.push(performance.now() - t);
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { ops: latencies.length / ((performance.now() - start) / 1000), p50: at(0.5), p99: at(0.99) };
}

export async function benchServer(dir, { seconds = 3, concurrency = 16 } = {}) {
  const rows = [];
  const results = [];
  for (const database of ['sqlite', 'postgres']) {
    const data = await mkdtemp(join(dir, `server-${database}-`));
    const masterKey = randomBytes(32);
    await writeFile(join(data, 'master.key'), masterKey.toString('base64'), { mode: 0o600 });
    const soft = await createSoftKeyProvider({ directory: join(data, 'keys'), secret: { masterKey } });
    const direct = {};
    for (const [name, spec, algorithm] of KEYS) {
      await soft.generateKey({ name, spec });
      const signer = await createSigner(soft, `soft://${name}`, { algorithm });
      const digest = randomBytes(32);
      direct[name] = await opsPerSecond(() => signer.sign(digest), 1.5);
    }
    await soft.close();
    let schema;
    const env = {};
    if (database === 'postgres') {
      schema = `signet_bench_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: POSTGRES });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      env.DATABASE_URL = POSTGRES;
      env.DATABASE_SCHEMA = schema;
    }
    const server = await startServer(data, env);
    try {
      for (const [name, spec] of KEYS) {
        const r = await load(server.url, server.token, name, seconds, concurrency);
        results.push({ database, spec, ...r, direct: direct[name] });
        rows.push([
          `${database} ${spec}`,
          fmt(r.ops),
          fmt(r.p50, 2),
          fmt(r.p99, 2),
          fmt(direct[name]),
          ratio(r.ops, direct[name]),
        ]);
      }
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
      if (schema) {
        const admin = new pg.Client({ connectionString: POSTGRES });
        await admin.connect();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      }
      await rm(data, { recursive: true, force: true });
    }
  }
  console.log(
    `\nSigning through HTTP (POST /v1/sign, one digest, ${concurrency} in flight, server in its own process) vs the provider directly\n`,
  );
  table(['database key', 'sign/s', 'p50 ms', 'p99 ms', 'direct sign/s', 'vs direct'], rows);
  return results;
}
