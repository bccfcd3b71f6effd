import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { SignetError } from '@signet/sdk';
import { problems } from '../schemas.js';
import type { AppEnv, Services } from '../services.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const Int = z.coerce.number().int().min(0);

const events = createRoute({
  method: 'get',
  path: '/v1/audit/events',
  summary: 'Audit records, oldest first',
  request: { query: z.object({ from: Int.default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
  responses: {
    200: {
      description: 'Records',
      content: { 'application/json': { schema: z.object({ size: z.number(), events: z.array(z.unknown()) }) } },
    },
    ...problems(400, 401),
  },
});

const checkpoint = createRoute({
  method: 'get',
  path: '/v1/audit/checkpoint',
  summary: 'A signed checkpoint covering the whole log (tree size, root, time); made on demand when the log has grown',
  responses: {
    200: { description: 'Checkpoint', content: { 'application/json': { schema: z.unknown() } } },
    ...problems(401, 404),
  },
});

const inclusion = createRoute({
  method: 'get',
  path: '/v1/audit/proof/inclusion',
  summary: 'RFC 6962 inclusion proof of record `index` in the tree of `size`',
  request: { query: z.object({ index: Int, size: Int.optional() }) },
  responses: {
    200: {
      description: 'Proof',
      content: {
        'application/json': {
          schema: z.object({ index: z.number(), size: z.number(), root: z.string(), proof: z.array(z.string()) }),
        },
      },
    },
    ...problems(400, 401),
  },
});

const consistency = createRoute({
  method: 'get',
  path: '/v1/audit/proof/consistency',
  summary: 'RFC 6962 consistency proof between two tree sizes',
  request: { query: z.object({ from: Int, to: Int.optional() }) },
  responses: {
    200: {
      description: 'Proof',
      content: {
        'application/json': {
          schema: z.object({ from: z.number(), to: z.number(), root: z.string(), proof: z.array(z.string()) }),
        },
      },
    },
    ...problems(400, 401),
  },
});

const exported = createRoute({
  method: 'get',
  path: '/v1/audit/export',
  summary: 'The whole log as JSON lines (for `signet audit verify`)',
  responses: {
    200: { description: 'JSON lines', content: { 'application/x-ndjson': { schema: z.string() } } },
    ...problems(401),
  },
});

/** Proof arguments beyond the log are input errors, not server errors. */
function inRange(value: number, max: number, what: string): void {
  if (value > max) throw new SignetError('INVALID_ARGUMENT', `${what} ${value} is beyond the log's ${max} records`);
}

export function auditRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  const { audit } = services;
  app.openapi(events, async (c) => {
    const { from, limit } = c.req.valid('query');
    const size = await audit.size();
    const records = from >= size ? [] : await audit.read(from, Math.min(size, from + limit));
    return c.json({ size, events: records }, 200);
  });
  app.openapi(checkpoint, async (c) => {
    const latest = await audit.latestCheckpoint();
    const size = await audit.size();
    if (latest && latest.treeSize >= size) return c.json(latest, 200);
    if (size === 0) throw new SignetError('NOT_FOUND', 'The audit log is empty: there is nothing to checkpoint yet');
    return c.json(await audit.checkpoint(), 200);
  });
  app.openapi(inclusion, async (c) => {
    const q = c.req.valid('query');
    const size = q.size ?? (await audit.size());
    inRange(size, await audit.size(), 'size');
    if (q.index >= size) throw new SignetError('INVALID_ARGUMENT', `index ${q.index} is not below size ${size}`);
    const proof = await audit.inclusionProof(q.index, size);
    return c.json({ index: q.index, size, root: hex(await audit.root(size)), proof: proof.map(hex) }, 200);
  });
  app.openapi(consistency, async (c) => {
    const q = c.req.valid('query');
    const to = q.to ?? (await audit.size());
    inRange(to, await audit.size(), 'to');
    if (q.from > to) throw new SignetError('INVALID_ARGUMENT', `from ${q.from} is after to ${to}`);
    const proof = await audit.consistencyProof(q.from, to);
    return c.json({ from: q.from, to, root: hex(await audit.root(to)), proof: proof.map(hex) }, 200);
  });
  // Plain text, so documented by hand and served outside the JSON-typed handler.
  app.openAPIRegistry.registerPath(exported);
  app.get('/v1/audit/export', async (c) => {
    const lines: string[] = [];
    for await (const line of audit.export()) lines.push(line);
    return c.body(lines.join(''), 200, { 'content-type': 'application/x-ndjson' });
  });
}
