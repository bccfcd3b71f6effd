import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { SigningRequest } from '@signet/sdk/signing';
import { resultView } from '../convert.js';
import { problems, SignRequest, SignResult } from '../schemas.js';
import type { AppEnv, Services } from '../services.js';

const sign = createRoute({
  method: 'post',
  path: '/v1/sign',
  summary: 'Sign one digest or a batch, synchronously',
  description:
    'Decides with the policy in force, signs every digest and records the decision and each signature in the audit log before answering. 403 POLICY_DENIED lists every reason; 409 APPROVAL_REQUIRED names the request id approvers act on (or submit a job to wait).',
  request: { body: { content: { 'application/json': { schema: SignRequest } }, required: true } },
  responses: {
    200: { description: 'Signed', content: { 'application/json': { schema: SignResult } } },
    ...problems(400, 401, 403, 404, 409, 429, 503),
  },
});

/** The engine's request from the API's: the principal comes from authentication, never the body. */
export async function toSigningRequest(
  services: Services,
  principal: SigningRequest['principal'],
  body: typeof SignRequest._output,
): Promise<SigningRequest> {
  const algorithm = body.algorithm ?? (await services.engine.describeKey(body.key)).algorithms[0]!;
  return {
    principal,
    key: body.key,
    algorithm: algorithm as SigningRequest['algorithm'],
    items: body.items.map((i) => ({
      digest: new Uint8Array(Buffer.from(i.digest, 'hex')),
      ...(i.artifact ? { artifact: i.artifact } : {}),
    })),
    ...(body.metadata ? { metadata: body.metadata } : {}),
    ...(body.idempotencyKey ? { idempotencyKey: body.idempotencyKey } : {}),
  };
}

export function signRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  app.openapi(sign, async (c) => {
    const request = await toSigningRequest(services, c.get('principal'), c.req.valid('json'));
    const result = await services.engine.sign(request, { signal: c.req.raw.signal });
    services.metrics.signatures.inc({ key: result.key, algorithm: result.algorithm }, result.signatures.length);
    return c.json(resultView(result), 200);
  });
}
