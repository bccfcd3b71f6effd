import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT, type JWTPayload } from 'jose';

/** A loopback OpenID Connect issuer: discovery + JWKS over real HTTP, and real signed tokens. */
export interface TestIssuer {
  /** `http://127.0.0.1:PORT`, where it listens. */
  readonly url: string;
  /** The `iss` it claims (its `url` unless another was asked for, e.g. GitHub's). */
  readonly issuer: string;
  readonly rsa: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
  readonly ec: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
  /** How many requests each path has served. */
  readonly hits: Map<string, number>;
  /**
   * Signs `claims` (plus `iss`, `iat`, `exp` in 5 minutes unless given). Default RS256 with the
   * RSA key and kid `rsa-1`; ES* uses the EC key and kid `ec-1`.
   */
  issue(claims: JWTPayload, options?: { kid?: string; alg?: string; key?: KeyObject | Uint8Array }): Promise<string>;
  close(): Promise<void>;
}

/** Starts an issuer on 127.0.0.1:0. `issuer` overrides the `iss` it claims and puts in discovery. */
export async function startTestIssuer(options: { issuer?: string } = {}): Promise<TestIssuer> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks = {
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', use: 'sig', alg: 'RS256' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', use: 'sig', alg: 'ES256' },
    ],
  };
  const hits = new Map<string, number>();
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body =
      path === '/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] }
        : path === '/jwks'
          ? jwks
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = options.issuer ?? url;

  return {
    url,
    issuer,
    rsa,
    ec,
    hits,
    async issue(claims, { kid, alg = 'RS256', key } = {}) {
      const elliptic = alg.startsWith('ES');
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg, typ: 'JWT', kid: kid ?? (elliptic ? 'ec-1' : 'rsa-1') })
        .sign(key ?? (elliptic ? ec.privateKey : rsa.privateKey));
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
