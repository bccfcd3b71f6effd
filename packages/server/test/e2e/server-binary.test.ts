import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslVerifiesCms } from '@signet/sdk/testing';
import { DIALECTS, freshPostgresSchema, POSTGRES_URL } from '../helpers/databases.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../../..');
const SERVER = join(ROOT, 'packages/server/dist/signet-server.js');
const CLI = join(ROOT, 'packages/cli/dist/signet.js');

/** Where the server keeps its data: SQLite in its data folder, unless only PostgreSQL is tested. */
const schemas = new Map<string, string>();
async function databaseEnv(data: string): Promise<Record<string, string>> {
  if (DIALECTS.includes('sqlite')) return {};
  if (!schemas.has(data)) schemas.set(data, await freshPostgresSchema());
  return { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schemas.get(data)! };
}

/** Starts the built `signet-server` on a free loopback port; resolves with its URL and stderr. */
async function start(data: string): Promise<{ child: ChildProcess; url: string; banner: string }> {
  const child = spawn(process.execPath, [SERVER], {
    env: {
      ...process.env,
      ...(await databaseEnv(data)),
      SIGNET_DATA: data,
      SIGNET_LISTEN: '127.0.0.1:0',
      SIGNET_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let banner = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${banner}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(banner);
      if (match) {
        clearTimeout(timer);
        // Let the rest of the banner (the token) arrive.
        setTimeout(() => resolve(match[1]!), 200);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${banner}`)));
  });
  return { child, url, banner };
}

/** The quick start as a person runs it: the server binary, then the CLI and openssl against it. */
describe('the signet-server binary on embedded defaults', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof start>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-e2e-'));
    server = await start(join(dir, 'data'));
    const token = /(sgt_\S+)/.exec(server.banner)?.[1];
    expect(token, server.banner).toBeDefined();
    env = { ...process.env, SIGNET_SERVER: server.url, SIGNET_TOKEN: token, SIGNET_HOME: join(dir, 'home') };
  }, 60_000);
  afterAll(async () => {
    server.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the admin token once, with the commands to use it', () => {
    expect(server.banner).toContain('shown once');
    expect(server.banner).toContain('pnpm -s signet sign README.md --key soft://signing');
  });

  it('signs a file through the server, and openssl verifies the CMS signature', async () => {
    const file = join(dir, 'release.txt');
    await writeFile(file, 'release 1.0\n');
    await run(process.execPath, [CLI, 'sign', file, '--key', 'soft://signing'], { env });
    const { stdout: pem } = await run(process.execPath, [CLI, 'keys', 'show', 'soft://signing', '--certificate'], {
      env,
    });
    await writeFile(join(dir, 'signing.pem'), pem);
    const verified = await opensslVerifiesCms({
      signature: `${file}.p7s`,
      content: file,
      caFile: join(dir, 'signing.pem'),
    });
    expect(verified.ok, verified.output).toBe(true);
  });

  it('keeps its data across a kill -9, and shows no new token', async () => {
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('exit', resolve));
    server = await start(join(dir, 'data'));
    expect(server.banner).not.toContain('sgt_');
    const { stdout } = await run(process.execPath, [CLI, 'keys', 'list', '--json'], {
      env: { ...env, SIGNET_SERVER: server.url },
    });
    expect(JSON.parse(stdout).keys.map((k: { uri: string }) => k.uri)).toContain('soft://signing');
  });

  it('refuses a wrong token with exit 4', async () => {
    const result = await run(process.execPath, [CLI, 'keys', 'list'], {
      env: { ...env, SIGNET_SERVER: server.url, SIGNET_TOKEN: 'sgt_00_nope' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(4);
  });
});

describe('administration through the API', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof start>>;
  let admin: string;
  const api = (path: string, token: string | undefined, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-admin-'));
    server = await start(join(dir, 'data'));
    admin = /(sgt_\S+)/.exec(server.banner)![1]!;
  }, 60_000);
  afterAll(async () => {
    server.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a signer token that signs, lists it without its secret, and revokes it', async () => {
    const created = (await (
      await api('/v1/tokens', admin, { method: 'POST', body: { name: 'ci', roles: ['signer'] } })
    ).json()) as { id: string; token: string };
    const sign = () =>
      api('/v1/sign', created.token, {
        method: 'POST',
        body: { key: 'soft://signing', items: [{ digest: 'ab'.repeat(32) }] },
      });
    expect((await sign()).status).toBe(200);
    expect(JSON.stringify(await (await api('/v1/tokens', admin)).json())).not.toContain(
      /^sgt_[0-9a-f]+_(.+)$/.exec(created.token)![1],
    );
    expect((await api('/v1/tokens', created.token)).status).toBe(403);
    expect((await api(`/v1/tokens/${created.id}`, admin, { method: 'DELETE' })).status).toBe(204);
    expect((await sign()).status).toBe(401);
  });

  it('enrolls an agent with a one-time token and an openssl CSR, once', async () => {
    const { token } = (await (
      await api('/v1/agents/enrollment-tokens', admin, { method: 'POST', body: { name: 'build-agent' } })
    ).json()) as { token: string };
    await run('openssl', [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=build-agent',
      '-keyout',
      join(dir, 'agent.key'),
      '-out',
      join(dir, 'agent.csr'),
    ]);
    const csr = (await import('node:fs/promises')).readFile(join(dir, 'agent.csr'), 'utf8');
    const enrolled = await api('/v1/agents/enroll', undefined, { method: 'POST', body: { token, csr: await csr } });
    expect(enrolled.status).toBe(201);
    const issued = (await enrolled.json()) as { certificate: string; ca: string };
    await writeFile(join(dir, 'agent.pem'), issued.certificate);
    await writeFile(join(dir, 'ca.pem'), issued.ca);
    const { stdout } = await run('openssl', [
      'verify',
      '-CAfile',
      join(dir, 'ca.pem'),
      '-purpose',
      'sslclient',
      join(dir, 'agent.pem'),
    ]);
    expect(stdout).toContain('OK');
    expect(
      (await api('/v1/agents/enroll', undefined, { method: 'POST', body: { token, csr: await csr } })).status,
    ).toBe(401);
  });
});
