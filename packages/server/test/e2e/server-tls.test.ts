import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigSchema } from '../../src/config/schema.js';
import { createSignetServer, type SignetServer } from '../../src/server.js';
import { makeCsr, makeSelfSigned, signWithForeignCa, tempDir } from '../auth/pki.js';
import { DIALECTS, freshPostgresSchema, POSTGRES_URL } from '../helpers/databases.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}
interface Credentials {
  certPem?: string;
  keyPem?: string;
  token?: string;
}

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dialect = DIALECTS[0]!;

/**
 * The whole server over HTTPS, as `signet-server` runs with `tls` configured: people and CI with
 * bearer tokens, agents with client certificates from the server's own agent CA.
 */
describe(`the server over HTTPS with agents' mutual TLS (${dialect})`, () => {
  let server: SignetServer;
  let port: number;
  let admin: string;
  const tls = makeSelfSigned(dir, 'server', 'subjectAltName=IP:127.0.0.1');

  function call(method: string, path: string, who: Credentials = {}, body?: unknown): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          ca: tls.certPem,
          ...(who.certPem ? { cert: who.certPem, key: who.keyPem } : {}),
          headers: {
            ...(who.token ? { authorization: `Bearer ${who.token}` } : {}),
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Answer['body']) : {} }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** An agent as it enrolls: its own key and CSR, the admin's one-time token, the server's certificate. */
  async function enroll(name: string): Promise<Required<Pick<Credentials, 'certPem' | 'keyPem'>> & { id: string }> {
    const { body } = await call('POST', '/v1/agents/enrollment-tokens', { token: admin }, { name });
    const { keyPem, csrPem } = makeCsr(dir, name);
    const enrolled = await call('POST', '/v1/agents/enroll', {}, { token: body.token, csr: csrPem });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    return { id: enrolled.body.agentId as string, certPem: enrolled.body.certificate as string, keyPem };
  }

  const agentCount = async () => ((await call('GET', '/v1/agents', { token: admin })).body.agents as unknown[]).length;

  beforeAll(async () => {
    const data = join(dir, 'data');
    const config = serverConfigSchema.parse({
      dataDir: data,
      listen: { host: '127.0.0.1', port: 0 },
      tls: { cert: join(dir, 'server.pem'), key: join(dir, 'server.key') },
      logLevel: 'silent',
      ...(dialect === 'postgres' ? { database: { url: POSTGRES_URL, schema: await freshPostgresSchema() } } : {}),
    });
    server = await createSignetServer(config, {}, { logger: pino({ level: 'silent' }) });
    port = Number(new URL(await server.listen()).port);
    admin = server.bootstrapToken!;
  }, 60_000);
  afterAll(() => server?.close());

  it('serves people and CI over HTTPS with a bearer token, no client certificate needed', async () => {
    const answer = await call('GET', '/v1/keys', { token: admin });
    expect(answer.status).toBe(200);
  });

  it('lets an enrolled agent in with its certificate alone', async () => {
    const agent = await enroll('build-agent-1');
    const answer = await call('GET', '/v1/keys', agent);
    expect(answer.status).toBe(200);
  });

  it('refuses a request with no certificate and no token: 401 missing-credentials', async () => {
    const answer = await call('GET', '/v1/keys');
    expect(answer).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED', details: { reason: 'missing-credentials' } },
    });
  });

  it('refuses a certificate from another CA: 401 untrusted-certificate, and nothing is created', async () => {
    makeSelfSigned(dir, 'other-ca', 'basicConstraints=critical,CA:TRUE', 'keyUsage=keyCertSign');
    const { keyPem } = makeCsr(dir, 'intruder');
    const certPem = signWithForeignCa(dir, 'other-ca', 'intruder');
    const before = await agentCount();
    expect(await call('GET', '/v1/keys', { certPem, keyPem })).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED', details: { reason: 'untrusted-certificate' } },
    });
    expect(await call('POST', '/v1/agents/renew', { certPem, keyPem })).toMatchObject({ status: 401 });
    expect(await agentCount()).toBe(before);
  });

  it('renews an agent certificate over mTLS: the same key, a new serial, both valid until they expire', async () => {
    const agent = await enroll('build-agent-2');
    const renewed = await call('POST', '/v1/agents/renew', agent);
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(201);
    expect(renewed.body.agentId).toBe(agent.id);
    expect(renewed.body.certificate).not.toBe(agent.certPem);
    const next = { ...agent, certPem: renewed.body.certificate as string };
    expect((await call('GET', '/v1/keys', next)).status).toBe(200);
    expect((await call('GET', '/v1/keys', agent)).status).toBe(200);
  });

  it('renews only for an agent: a bearer token is refused with 403', async () => {
    expect(await call('POST', '/v1/agents/renew', { token: admin })).toMatchObject({
      status: 403,
      body: { code: 'PERMISSION_DENIED', details: { reason: 'not-an-agent' } },
    });
  });

  it('refuses a revoked agent, every certificate it holds, and its renewal: 403 revoked', async () => {
    const agent = await enroll('build-agent-3');
    const renewed = (await call('POST', '/v1/agents/renew', agent)).body.certificate as string;
    expect((await call('POST', `/v1/agents/${agent.id}/revoke`, { token: admin })).status).toBe(204);
    for (const certPem of [agent.certPem, renewed]) {
      expect(await call('GET', '/v1/keys', { ...agent, certPem })).toMatchObject({
        status: 403,
        body: { code: 'PERMISSION_DENIED', details: { reason: 'revoked' } },
      });
    }
    expect(await call('POST', '/v1/agents/renew', agent)).toMatchObject({
      status: 403,
      body: { details: { reason: 'revoked' } },
    });
  });

  it('lets a bearer token win over a certificate, so a person behind an agent is still themselves', async () => {
    const agent = await enroll('build-agent-4');
    const answer = await call('POST', '/v1/agents/renew', { ...agent, token: admin });
    expect(answer).toMatchObject({ status: 403, body: { details: { reason: 'not-an-agent' } } });
  });
});
