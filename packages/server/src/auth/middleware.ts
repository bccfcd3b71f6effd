import { SignetError } from '@signet/sdk';
import type { Principal } from '@signet/sdk/signing';
import type { Context, Env, MiddlewareHandler } from 'hono';
import type { Agents } from './agents.js';
import type { ApiTokens } from './api-tokens.js';
import type { JwtAuthenticator } from './jwt.js';

/** The context variables the middleware sets. */
export interface AuthVariables {
  /** Who is calling, proven by a JWT, an API token or an agent certificate. */
  principal: Principal;
}

/** A Hono env with {@link AuthVariables}; an app's own env extends it. */
export interface AuthEnv extends Env {
  Variables: AuthVariables;
}

/** The authenticators to accept; a credential whose authenticator is absent is refused. */
export interface AuthenticateOptions {
  jwt?: Pick<JwtAuthenticator, 'authenticate'>;
  apiTokens?: Pick<ApiTokens, 'authenticate'>;
  agents?: Pick<Agents, 'authenticate'>;
}

/** The part of node's TLSSocket we read (typed structurally: a plain socket has no such member). */
interface PeerCertificateSource {
  getPeerCertificate(detailed: true): { raw?: Buffer };
}

/**
 * Hono middleware that proves who is calling and sets `c.get('principal')`. An `Authorization:
 * Bearer` header wins: `sgt_...` is an API token, anything else a JWT. Without one, the TLS
 * client certificate (with @hono/node-server, `c.env.incoming.socket`) authenticates an agent.
 *
 * @throws SignetError `UNAUTHENTICATED` (401; `details.reason` `missing-credentials`,
 * `method-not-enabled`, or the authenticator's) or `PERMISSION_DENIED` (403), for the app's error
 * handler to turn into problem+json.
 * @example
 * ```ts
 * app.use('/v1/*', authenticate({ jwt, apiTokens, agents }));
 * app.get('/v1/whoami', (c) => c.json(c.get('principal')));
 * ```
 */
export function authenticate<E extends AuthEnv = AuthEnv>(options: AuthenticateOptions): MiddlewareHandler<E> {
  return async (c, next) => {
    (c as unknown as Context<AuthEnv>).set('principal', await identify(c, options));
    await next();
  };
}

async function identify(c: Context, options: AuthenticateOptions): Promise<Principal> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) throw refused('malformed', 'The Authorization header is not "Bearer <token>"');
    const token = match[1]!;
    const authenticator = token.startsWith('sgt_') ? options.apiTokens : options.jwt;
    if (!authenticator) throw refused('method-not-enabled', 'This kind of token is not accepted here');
    return authenticator.authenticate(token);
  }
  const peer = peerCertificate(c);
  if (peer) {
    if (!options.agents) throw refused('method-not-enabled', 'Client certificates are not accepted here');
    return options.agents.authenticate(peer);
  }
  throw refused('missing-credentials', 'No credentials: send a bearer token or a client certificate');
}

/** The DER client certificate of a TLS connection, if the client sent one. */
export function peerCertificate(c: Context): Uint8Array | undefined {
  const socket = (c.env as { incoming?: { socket?: Partial<PeerCertificateSource> } } | undefined)?.incoming?.socket;
  if (typeof socket?.getPeerCertificate !== 'function') return undefined;
  // An empty object (no `raw`) means the client sent no certificate.
  const raw = socket.getPeerCertificate(true).raw;
  return raw && raw.length > 0 ? new Uint8Array(raw) : undefined;
}

function refused(reason: string, message: string): SignetError {
  return new SignetError('UNAUTHENTICATED', message, { details: { reason } });
}
