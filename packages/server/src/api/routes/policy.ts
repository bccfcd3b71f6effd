import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { SignetError } from '@signet/sdk';
import { createHash } from 'node:crypto';
import { parsePolicy, principalId } from '@signet/sdk/policy';
import { PolicyInput, problems } from '../schemas.js';
import type { AppEnv, Services } from '../services.js';
import { requireAdmin } from '../admin.js';
import { recordAdminEvent } from '../admin-audit.js';

const PolicyView = z
  .object({
    version: z.number(),
    revision: z.string(),
    sha256: z.string(),
    text: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .openapi('Policy');

const get = createRoute({
  method: 'get',
  path: '/v1/policy',
  summary: 'The policy in force',
  responses: {
    200: { description: 'Policy', content: { 'application/json': { schema: PolicyView } } },
    ...problems(401, 404),
  },
});

const put = createRoute({
  method: 'put',
  path: '/v1/policy',
  summary: 'Put a new policy version in force (admins); an invalid policy changes nothing',
  request: { body: { content: { 'application/json': { schema: PolicyInput } }, required: true } },
  responses: {
    200: { description: 'The new version', content: { 'application/json': { schema: PolicyView } } },
    ...problems(400, 401, 403),
  },
});

const view = (p: NonNullable<Awaited<ReturnType<Services['policies']['current']>>>) => ({
  version: p.version,
  revision: p.revision,
  sha256: p.sha256,
  text: p.text,
  createdAt: p.createdAt.toISOString(),
  createdBy: p.createdBy,
});

export function policyRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  app.openapi(get, async (c) => {
    const current = await services.policies.current();
    if (!current) throw new SignetError('NOT_FOUND', 'No policy is in force');
    return c.json(view(current), 200);
  });
  app.openapi(put, async (c) => {
    const principal = await requireAdmin(c, services);
    const { text } = c.req.valid('json');
    // Validated, then recorded, then stored: a policy never comes into force unrecorded.
    const parsed = parsePolicy(text, { source: 'PUT /v1/policy' });
    const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
    await recordAdminEvent(services, principal, 'policy', { action: 'put', revision: parsed.revision, sha256 });
    const stored = await services.policies.put({ text, source: 'PUT /v1/policy', actor: principalId(principal) });
    return c.json(view(stored), 200);
  });
}
