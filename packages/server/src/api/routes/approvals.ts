import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApprovalInput, problems } from '../schemas.js';
import type { AppEnv, Services } from '../services.js';

const Pending = z
  .object({
    id: z.string(),
    requester: z.string(),
    key: z.string(),
    algorithm: z.string(),
    items: z.array(
      z.object({
        digest: z.string(),
        artifact: z.object({ name: z.string().optional(), digest: z.string().optional() }).optional(),
      }),
    ),
    metadata: z.record(z.string(), z.string()).optional(),
    decision: z.unknown(),
    createdAt: z.string(),
  })
  .openapi('PendingRequest');

const list = createRoute({
  method: 'get',
  path: '/v1/approvals',
  summary: 'Requests waiting for approval, with every digest and artifact they would sign',
  responses: {
    200: {
      description: 'Pending',
      content: { 'application/json': { schema: z.object({ pending: z.array(Pending) }) } },
    },
    ...problems(401),
  },
});

const decide = createRoute({
  method: 'post',
  path: '/v1/approvals/{requestId}',
  summary: 'Approve or deny one pending request (bound to its exact digests)',
  request: {
    params: z.object({ requestId: z.string().regex(/^[0-9a-f]{64}$/) }),
    body: { content: { 'application/json': { schema: ApprovalInput } }, required: true },
  },
  responses: {
    200: {
      description: 'The request’s decision now',
      content: { 'application/json': { schema: z.object({ decision: z.unknown() }) } },
    },
    ...problems(400, 401, 403, 404),
  },
});

export function approvalRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  app.openapi(list, async (c) => {
    const pending = (await services.engine.pending()).map((p) => ({
      id: p.id,
      requester: `${p.request.principal.issuer}|${p.request.principal.subject}`,
      key: p.request.key,
      algorithm: p.request.algorithm,
      items: p.request.items.map((i) => ({
        digest: Buffer.from(i.digest).toString('hex'),
        ...(i.artifact ? { artifact: i.artifact } : {}),
      })),
      ...(p.request.metadata ? { metadata: { ...p.request.metadata } as Record<string, string> } : {}),
      decision: p.decision,
      createdAt: p.createdAt.toISOString(),
    }));
    return c.json({ pending }, 200);
  });
  app.openapi(decide, async (c) => {
    const { requestId } = c.req.valid('param');
    const { decision, comment } = c.req.valid('json');
    const next = await services.engine.approve({
      requestId,
      approver: c.get('principal'),
      decision,
      ...(comment ? { comment } : {}),
    });
    return c.json({ decision: next }, 200);
  });
}
