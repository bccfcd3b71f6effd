import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { SignetError } from '@signet/sdk';
import { problemResponse, toProblem } from './problem.js';
import { rateLimit } from './rate-limit.js';
import { adminRoutes, enrollRoute } from './routes/admin.js';
import { approvalRoutes } from './routes/approvals.js';
import { auditRoutes } from './routes/audit.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { keyRoutes } from './routes/keys.js';
import { policyRoutes } from './routes/policy.js';
import { signRoutes } from './routes/sign.js';
import { timestampRoutes } from './routes/timestamp.js';
import type { AppEnv, Services } from './services.js';

/**
 * The HTTP API: `/v1` behind authentication and per-principal rate limits, health and metrics
 * beside it, OpenAPI 3.1 at `/openapi.json` from the same zod schemas that validate requests.
 * Every error is an RFC 9457 problem with a stable `code`; no stack trace reaches a client.
 */
export function createApp(services: Services): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const detail = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
      return problemResponse(c, {
        ...toProblem(new SignetError('INVALID_ARGUMENT', detail, { details: { issues } }), c.get('requestId')),
      });
    },
  });

  app.use('*', requestId({ limitLength: 64 }));
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath;
    const seconds = (performance.now() - started) / 1000;
    services.metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    services.metrics.duration.observe({ method: c.req.method, route }, seconds);
    // Method, route, status and time: never headers or bodies, which carry tokens and digests.
    services.logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 1000),
      },
      'request',
    );
  });

  app.onError((error, c) => {
    const id = c.get('requestId');
    if (error instanceof HTTPException) {
      const problem = toProblem(new SignetError('INVALID_ARGUMENT', error.message || 'Bad request'), id);
      return problemResponse(c, { ...problem, status: error.status });
    }
    const problem = toProblem(error, id);
    if (problem.status >= 500) services.logger.error({ requestId: id, err: error }, 'request failed');
    return problemResponse(c, problem);
  });
  app.notFound((c) =>
    problemResponse(
      c,
      toProblem(new SignetError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`), c.get('requestId')),
    ),
  );

  healthRoutes(app, services);
  const limit = services.bodyLimit ?? 1 << 20;
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: limit,
      onError: (c) =>
        problemResponse(c, {
          ...toProblem(
            new SignetError('INVALID_ARGUMENT', `The request body is larger than ${limit} bytes`),
            c.get('requestId'),
          ),
          status: 413,
        }),
    }),
  );
  if (services.agents) enrollRoute(app, { audit: services.audit, agents: services.agents });
  // Before authentication: RFC 3161 clients (jarsigner -tsa, signtool) send no credentials.
  if (services.timestamps) timestampRoutes(app, services.timestamps);
  app.use('/v1/*', services.authenticate);
  app.use('/v1/*', rateLimit(services.rateLimit ?? 200));
  keyRoutes(app, services);
  signRoutes(app, services);
  jobRoutes(app, services);
  approvalRoutes(app, services);
  auditRoutes(app, services);
  policyRoutes(app, services);
  if (services.tokens && services.agents)
    adminRoutes(app, { ...services, tokens: services.tokens, agents: services.agents });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Signet', version: '1', description: 'Code signing with keys that never leave their provider.' },
    security: [{ bearer: [] }],
  });
  return app;
}
