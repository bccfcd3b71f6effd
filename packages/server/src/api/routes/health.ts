import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, Services } from '../services.js';

/** Liveness, readiness and metrics: unauthenticated, for probes and Prometheus. */
export function healthRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await services.ready();
      return c.json({ status: 'ready' });
    } catch (error) {
      return c.json({ status: 'not ready', reason: (error as Error).message }, 503);
    }
  });
  app.get('/metrics', async (c) =>
    c.body(await services.metrics.registry.metrics(), 200, { 'content-type': services.metrics.registry.contentType }),
  );
}
