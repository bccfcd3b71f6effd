import { rmSync } from 'node:fs';
import { createServer as createHttpsServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createSigner, isSignetError } from '@signet/sdk';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, createAgentCa, createAgents, type Agents, type AuthEnv } from '../../src/auth/index.js';
import { DIALECTS, freshDatabase } from '../helpers/databases.js';
import { makeCsr, makeSelfSigned, signWithForeignCa, tempDir } from './pki.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Answer {
  status: number;
  body: { subject?: string; code?: string; reason?: string };
}

describe.each(DIALECTS)('agents over real mutual TLS on %s', (dialect) => {
  let agents: Agents;
  let server: ServerType;
  let port: number;
  const serverTls = makeSelfSigned(dir, `${dialect}-server`, 'subjectAltName=IP:127.0.0.1');

  /** One HTTPS request to the server, with or without a client certificate. */
  function get(client?: { certPem: string; keyPem: string }): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/whoami',
          ca: serverTls.certPem,
          ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    const soft = await createSoftKeyProvider({
      directory: `${dir}/${dialect}-keys`,
      secret: { passphrase: 't' },
      scryptCost: { N: 1024, r: 8, p: 1 },
    });
    await soft.generateKey({ name: 'agent-ca', spec: 'ec-p256' });
    const ca = await createAgentCa({ signer: await createSigner(soft, 'soft://agent-ca') });
    agents = createAgents(await freshDatabase(dialect), ca);
    const app = new Hono<AuthEnv>();
    app.use('/v1/*', authenticate({ agents }));
    app.get('/v1/whoami', (c) => c.json({ subject: c.get('principal').subject }));
    // Stands in for the lead's problem+json handler: 401 / 403 with the code and reason.
    app.onError((error, c) =>
      isSignetError(error, 'UNAUTHENTICATED', 'PERMISSION_DENIED')
        ? c.json({ code: error.code, reason: error.details.reason }, error.code === 'UNAUTHENTICATED' ? 401 : 403)
        : c.json({ code: 'INTERNAL' }, 500),
    );
    await new Promise<void>((resolve) => {
      server = serve(
        {
          fetch: app.fetch,
          hostname: '127.0.0.1',
          port: 0,
          createServer: createHttpsServer,
          serverOptions: {
            key: serverTls.keyPem,
            cert: serverTls.certPem,
            requestCert: true,
            rejectUnauthorized: true,
            ca: [ca.certificatePem],
          },
        },
        () => resolve(),
      );
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function enroll(name: string) {
    const token = await agents.createEnrollmentToken({
      name,
      createdBy: 'alice',
      expiresAt: new Date(Date.now() + 60_000),
    });
    const { keyPem, csrPem } = makeCsr(dir, `${dialect}-${name}`);
    const { agentId, certificatePem } = await agents.enroll({ token, csrPem });
    return { agentId, keyPem, certPem: certificatePem };
  }

  it('lets an enrolled agent in as itself', async () => {
    const agent = await enroll('agent1');
    await expect(get(agent)).resolves.toEqual({ status: 200, body: { subject: agent.agentId } });
  });

  it('refuses a connection without a client certificate at the TLS layer', async () => {
    await expect(get()).rejects.toThrow();
  });

  it('refuses a certificate from another CA at the TLS layer', async () => {
    const other = makeSelfSigned(
      dir,
      `${dialect}-other-ca`,
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=keyCertSign',
    );
    const { keyPem } = makeCsr(dir, `${dialect}-intruder`);
    const certPem = signWithForeignCa(dir, `${dialect}-other-ca`, `${dialect}-intruder`);
    expect(other.certPem).toBeTruthy();
    await expect(get({ certPem, keyPem })).rejects.toThrow();
  });

  it('refuses a revoked agent at the auth layer with 403 and its reason', async () => {
    const agent = await enroll('agent2');
    await agents.revoke(agent.agentId);
    await expect(get(agent)).resolves.toEqual({ status: 403, body: { code: 'PERMISSION_DENIED', reason: 'revoked' } });
  });
});
