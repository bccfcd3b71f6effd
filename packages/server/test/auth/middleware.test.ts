import { isSignetError } from '@signet/sdk';
import type { Principal } from '@signet/sdk/signing';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { authenticate, type AuthenticateOptions, type AuthEnv } from '../../src/auth/index.js';

const principal = (subject: string): Principal => ({
  subject,
  kind: 'service',
  issuer: 'signet',
  authMethod: 'api-token',
});

function app(options: AuthenticateOptions) {
  const hono = new Hono<AuthEnv>();
  hono.use('*', authenticate(options));
  hono.get('/whoami', (c) => c.json(c.get('principal')));
  hono.onError((e, c) =>
    c.json(
      { code: isSignetError(e) ? e.code : 'INTERNAL', reason: isSignetError(e) ? e.details.reason : undefined },
      401,
    ),
  );
  return hono;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('the authenticate middleware', () => {
  const options: AuthenticateOptions = {
    apiTokens: { authenticate: async (t) => principal(`api:${t}`) },
    jwt: { authenticate: async (t) => principal(`jwt:${t}`) },
    agents: { authenticate: async (der) => principal(`agent:${der.length}`) },
  };

  it('sends sgt_ bearer tokens to API tokens and other bearer tokens to JWT', async () => {
    expect(await (await app(options).request('/whoami', bearer('sgt_x'))).json()).toMatchObject({
      subject: 'api:sgt_x',
    });
    expect(await (await app(options).request('/whoami', bearer('eyJ.a.b'))).json()).toMatchObject({
      subject: 'jwt:eyJ.a.b',
    });
  });

  it('reads the TLS peer certificate from the node socket', async () => {
    const env = { incoming: { socket: { getPeerCertificate: () => ({ raw: Buffer.alloc(3) }) } } };
    expect(await (await app(options).request('/whoami', {}, env)).json()).toMatchObject({ subject: 'agent:3' });
  });

  it('refuses a request without credentials, a malformed header, and a method not enabled', async () => {
    const cases: [Hono<AuthEnv>, RequestInit, string][] = [
      [app(options), {}, 'missing-credentials'],
      [app(options), { headers: { authorization: 'Basic abc' } }, 'malformed'],
      [app({ jwt: options.jwt }), bearer('sgt_x'), 'method-not-enabled'],
    ];
    for (const [hono, init, reason] of cases) {
      const res = await hono.request('/whoami', init, { incoming: { socket: { getPeerCertificate: () => ({}) } } });
      expect([res.status, await res.json()]).toEqual([401, { code: 'UNAUTHENTICATED', reason }]);
    }
  });
});
