import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { keyView } from '../convert.js';
import { KeyView, problems } from '../schemas.js';
import type { AppEnv, Services } from '../services.js';

const list = createRoute({
  method: 'get',
  path: '/v1/keys',
  summary: 'Keys of every configured provider',
  responses: {
    200: { description: 'Keys', content: { 'application/json': { schema: z.object({ keys: z.array(KeyView) }) } } },
    ...problems(401, 503),
  },
});

const show = createRoute({
  method: 'get',
  path: '/v1/keys/{key}',
  summary: 'One key: public key and certificate chain',
  request: {
    params: z.object({
      key: z.string().openapi({ description: 'The key URI, URL-encoded', example: 'soft%3A%2F%2Frelease' }),
    }),
  },
  responses: {
    200: { description: 'The key', content: { 'application/json': { schema: KeyView } } },
    ...problems(400, 401, 404),
  },
});

export function keyRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  app.openapi(list, async (c) => c.json({ keys: (await services.providers.listKeys()).map(keyView) }, 200));
  app.openapi(show, async (c) => {
    const uri = c.req.valid('param').key;
    const provider = await services.providers.providerFor(uri);
    return c.json(keyView(await provider.getKey(uri)), 200);
  });
}
