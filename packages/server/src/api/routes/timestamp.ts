import type { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { SignetError } from '@signet/sdk';
import type { TimestampAuthority } from '../../timestamp/authority.js';
import { problemResponse, toProblem } from '../problem.js';
import { rateLimit } from '../rate-limit.js';
import { problems } from '../schemas.js';
import type { AppEnv } from '../services.js';

const PATH = '/v1/timestamp';
const QUERY = 'application/timestamp-query';
const REPLY = 'application/timestamp-reply';
/** A TimeStampReq is an imprint, a nonce and a few OIDs: well under 1 KiB. */
const MAX_REQUEST = 4096;
const binary = { schema: { type: 'string' as const, format: 'binary' } };

/**
 * `POST /v1/timestamp`: the RFC 3161 TSA over HTTP (§3.4). Public, as TSAs are: jarsigner's
 * `-tsa URL` and `openssl ts` send no credentials, and a token only says that a hash existed at a
 * time. So it is mounted before authentication and limited per client address instead. Requests
 * the TSA will not serve are refused inside a TimeStampResp (200), as RFC 3161 says; only a body
 * of another type (415), too large (413) or too frequent (429) gets an HTTP error.
 */
export function timestampRoutes(app: OpenAPIHono<AppEnv>, authority: TimestampAuthority): void {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: PATH,
    summary: 'Timestamp a hash (RFC 3161): a DER TimeStampReq in, a DER TimeStampResp out; no authentication',
    security: [],
    request: { body: { content: { [QUERY]: binary }, required: true } },
    responses: {
      200: {
        description: 'A TimeStampResp: a token, or a refusal with its failure info',
        content: { [REPLY]: binary },
      },
      503: { description: 'A TimeStampResp refusing with systemFailure', content: { [REPLY]: binary } },
      ...problems(413, 415, 429),
    },
  });
  app.use(
    PATH,
    bodyLimit({
      maxSize: MAX_REQUEST,
      onError: (c) =>
        problemResponse(c, {
          ...toProblem(
            new SignetError('INVALID_ARGUMENT', `A TimeStampReq is at most ${MAX_REQUEST} bytes`),
            c.get('requestId'),
          ),
          status: 413,
        }),
    }),
  );
  app.use(PATH, rateLimit(authority.rateLimit, clientAddress));
  app.post(PATH, async (c) => {
    const type = c.req.header('content-type')?.split(';')[0]!.trim().toLowerCase();
    if (type !== QUERY) {
      const error = new SignetError('INVALID_ARGUMENT', `Send a DER TimeStampReq as ${QUERY}`);
      return problemResponse(c, { ...toProblem(error, c.get('requestId')), status: 415 });
    }
    const reply = await authority.respond(new Uint8Array(await c.req.arrayBuffer()));
    return c.body(reply.body as Uint8Array<ArrayBuffer>, reply.status, { 'content-type': REPLY });
  });
}

/** The peer's address from Node's socket (a proxy in front makes all clients one: set its limit there). */
function clientAddress(c: { env: unknown }): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return `address:${env?.incoming?.socket?.remoteAddress ?? 'unknown'}`;
}
