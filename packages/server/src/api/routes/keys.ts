import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import { SignetError } from '@signet/sdk';
import { assertCertificateHoldsKey, certificatesFrom } from '@signet/sdk/x509';
import { requireAdmin } from '../admin.js';
import { recordAdminEvent } from '../admin-audit.js';
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

const KeyParam = z.object({
  key: z.string().max(2048).openapi({ description: 'The key URI, URL-encoded', example: 'soft%3A%2F%2Frelease' }),
});

const attach = createRoute({
  method: 'put',
  path: '/v1/keys/{key}/certificates',
  summary: "Attach a certificate chain to a key (admins): the key's own certificate first, then its issuers",
  description:
    "For any provider: a key whose backend cannot hold certificates (a cloud KMS) keeps its chain in the server's database. The first certificate must hold the key's public key. Recorded in the audit log.",
  request: {
    params: KeyParam,
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            certificates: z.string().min(1).max(200_000).openapi({ description: 'PEM certificates, concatenated' }),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: { description: 'The key, with its chain', content: { 'application/json': { schema: KeyView } } },
    ...problems(400, 401, 403, 404),
  },
});

export function keyRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  app.openapi(list, async (c) => c.json({ keys: (await services.providers.listKeys()).map(keyView) }, 200));
  app.openapi(show, async (c) => {
    const uri = c.req.valid('param').key;
    const provider = await services.providers.providerFor(uri);
    return c.json(keyView(await provider.getKey(uri)), 200);
  });
  app.openapi(attach, async (c) => {
    const admin = await requireAdmin(c, services);
    const uri = c.req.valid('param').key;
    const certificates = certificatesFrom(c.req.valid('json').certificates);
    const provider = await services.providers.providerFor(uri);
    if (!provider.setCertificates)
      throw new SignetError('INVALID_ARGUMENT', `${provider.scheme}: keys cannot be given certificates here`);
    // Checked, then recorded, then made: no change to a key without its audit record first.
    assertCertificateHoldsKey(certificates, (await provider.getKey(uri)).publicKey);
    await recordAdminEvent(services, admin, 'key', {
      action: 'certificate',
      key: uri,
      certificates: certificates.map((der) => createHash('sha256').update(der).digest('hex')),
    });
    return c.json(keyView(await provider.setCertificates({ key: uri, certificates })), 200);
  });
}
