import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { SignetError } from '@signet/sdk';
import { principalId } from '@signet/sdk/policy';
import { peerCertificate, type Agents, type AgentCertificate, type ApiTokens } from '../../auth/index.js';
import { requireAdmin } from '../admin.js';
import { recordAdminEvent } from '../admin-audit.js';
import { IdParam as Id, problems } from '../schemas.js';
import type { AppEnv, Services } from '../services.js';

/*
 * Service-account tokens and agents, managed by admins. Agent enrollment itself (a one-time
 * token and a CSR, before the agent has any credential) is mounted ahead of authentication by
 * `enrollRoute`.
 */

const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const Created = z.object({ id: z.string(), token: z.string().openapi({ description: 'Shown once: store it now.' }) });

const createToken = createRoute({
  method: 'post',
  path: '/v1/tokens',
  summary: 'Create an API token for a service account (admins); the secret is shown once',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({ name: Name, roles: z.array(Name).max(20), expiresAt: z.iso.datetime().optional() }),
        },
      },
      required: true,
    },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: Created } } },
    ...problems(400, 401, 403),
  },
});
const listTokens = createRoute({
  method: 'get',
  path: '/v1/tokens',
  summary: 'API tokens, without their secrets (admins)',
  responses: {
    200: {
      description: 'Tokens',
      content: { 'application/json': { schema: z.object({ tokens: z.array(z.unknown()) }) } },
    },
    ...problems(401, 403),
  },
});
const revokeToken = createRoute({
  method: 'delete',
  path: '/v1/tokens/{id}',
  summary: 'Revoke an API token at once (admins)',
  request: { params: Id },
  responses: { 204: { description: 'Revoked' }, ...problems(401, 403, 404) },
});
const enrollmentToken = createRoute({
  method: 'post',
  path: '/v1/agents/enrollment-tokens',
  summary: 'A one-time token an agent enrolls with (admins)',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            name: Name,
            expiresInSeconds: z
              .number()
              .int()
              .min(60)
              .max(7 * 86400)
              .default(3600),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    201: {
      description: 'Created',
      content: { 'application/json': { schema: z.object({ token: z.string(), expiresAt: z.string() }) } },
    },
    ...problems(400, 401, 403),
  },
});
const listAgents = createRoute({
  method: 'get',
  path: '/v1/agents',
  summary: 'Enrolled agents (admins)',
  responses: {
    200: {
      description: 'Agents',
      content: { 'application/json': { schema: z.object({ agents: z.array(z.unknown()) }) } },
    },
    ...problems(401, 403),
  },
});
const revokeAgent = createRoute({
  method: 'post',
  path: '/v1/agents/{id}/revoke',
  summary: 'Revoke an agent and every certificate it holds (admins)',
  request: { params: Id },
  responses: { 204: { description: 'Revoked' }, ...problems(401, 403, 404) },
});
const Issued = z.object({ agentId: z.string(), certificate: z.string(), ca: z.string(), expiresAt: z.string() });
const renew = createRoute({
  method: 'post',
  path: '/v1/agents/renew',
  summary: "Renew the calling agent's client certificate: the same key, a new short-lived certificate",
  description:
    'Authenticated by the current certificate over mutual TLS, which must still be valid and unrevoked. The old certificate stays valid until it expires.',
  responses: {
    201: { description: 'Renewed', content: { 'application/json': { schema: Issued } } },
    ...problems(401, 403),
  },
});
const enroll = createRoute({
  method: 'post',
  path: '/v1/agents/enroll',
  summary: 'Enroll an agent: a one-time token and a PKCS#10 CSR give a short-lived client certificate',
  security: [],
  request: {
    body: {
      content: {
        'application/json': { schema: z.strictObject({ token: z.string().max(200), csr: z.string().max(16_384) }) },
      },
      required: true,
    },
  },
  responses: {
    201: {
      description: 'Enrolled',
      content: {
        'application/json': { schema: Issued },
      },
    },
    ...problems(400, 401),
  },
});

export function adminRoutes(
  app: OpenAPIHono<AppEnv>,
  services: Services & { tokens: ApiTokens; agents: Agents },
): void {
  app.openapi(createToken, async (c) => {
    const admin = await requireAdmin(c, services);
    const body = c.req.valid('json');
    const created = await services.tokens.create({
      name: body.name,
      roles: body.roles,
      createdBy: principalId(admin),
      ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt) } : {}),
    });
    // The id exists only once created: recorded right after, and revoked again if it cannot be.
    const data = { action: 'token-create', id: created.id, name: body.name, roles: body.roles };
    await recordAdminEvent(services, admin, 'admin', { ...data, expiresAt: body.expiresAt ?? null }).catch(
      async (error: unknown) => {
        await services.tokens.revoke(created.id).catch(() => undefined);
        throw error;
      },
    );
    return c.json(created, 201);
  });
  app.openapi(listTokens, async (c) => {
    await requireAdmin(c, services);
    return c.json({ tokens: await services.tokens.list() }, 200);
  });
  app.openapi(revokeToken, async (c) => {
    const admin = await requireAdmin(c, services);
    const { id } = c.req.valid('param');
    await services.tokens.revoke(id);
    await recordAdminEvent(services, admin, 'admin', { action: 'token-revoke', id });
    return c.body(null, 204);
  });
  app.openapi(enrollmentToken, async (c) => {
    const admin = await requireAdmin(c, services);
    const { name, expiresInSeconds } = c.req.valid('json');
    const expiresAt = new Date(Date.now() + expiresInSeconds * 1000);
    const token = await services.agents.createEnrollmentToken({ name, createdBy: principalId(admin), expiresAt });
    await recordAdminEvent(services, admin, 'admin', {
      action: 'agent-enrollment-token',
      name,
      expiresAt: expiresAt.toISOString(),
    });
    return c.json({ token, expiresAt: expiresAt.toISOString() }, 201);
  });
  app.openapi(listAgents, async (c) => {
    await requireAdmin(c, services);
    return c.json({ agents: await services.agents.list() }, 200);
  });
  app.openapi(revokeAgent, async (c) => {
    const admin = await requireAdmin(c, services);
    const { id } = c.req.valid('param');
    await services.agents.revoke(id);
    await recordAdminEvent(services, admin, 'admin', { action: 'agent-revoke', id });
    return c.body(null, 204);
  });
  app.openapi(renew, async (c) => {
    const principal = c.get('principal');
    const current = peerCertificate(c);
    // A bearer token wins over a certificate in authentication, so both are checked here.
    if (principal.authMethod !== 'mtls' || !current)
      throw new SignetError('PERMISSION_DENIED', 'Only an agent renews its certificate, over mutual TLS', {
        details: { reason: 'not-an-agent' },
      });
    const renewed = await services.agents.renew(principal.subject, current);
    await recordAdminEvent(services, principal, 'admin', { action: 'agent-renew', id: renewed.agentId });
    return c.json(issuedView(renewed), 201);
  });
}

const issuedView = (issued: AgentCertificate) => ({
  agentId: issued.agentId,
  certificate: issued.certificatePem,
  ca: issued.caPem,
  expiresAt: issued.expiresAt.toISOString(),
});

/** Enrollment: the one-time token is the credential, so this route is mounted before authentication. */
export function enrollRoute(app: OpenAPIHono<AppEnv>, services: Pick<Services, 'audit'> & { agents: Agents }): void {
  app.openapi(enroll, async (c) => {
    const { token, csr } = c.req.valid('json');
    const enrolled = await services.agents.enroll({ token, csrPem: csr });
    const agent = { kind: 'agent', subject: enrolled.agentId, issuer: 'signet', authMethod: 'mtls' } as const;
    await recordAdminEvent(services, agent, 'admin', { action: 'agent-enroll', id: enrolled.agentId });
    return c.json(issuedView(enrolled), 201);
  });
}
