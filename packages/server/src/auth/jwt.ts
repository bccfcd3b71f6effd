import { SignetError } from '@signet/sdk';
import type { Principal } from '@signet/sdk/signing';
import { createRemoteJWKSet, customFetch as joseFetch, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { discoverJwksUri } from './oidc-discovery.js';
import { joseRefusal, refused } from './jwt-errors.js';
import { principalFromClaims, type ClaimMapping } from './jwt-principal.js';

/** One trusted token issuer: an OIDC provider (people), a CI system, or a workload identity. */
export interface IssuerConfig {
  /** Exact `iss` value, e.g. `https://token.actions.githubusercontent.com`. */
  issuer: string;
  /** Accepted `aud` value(s); a token must carry one of them. */
  audience: string | string[];
  /**
   * Allowed `alg` values. Default `['RS256', 'ES256', 'PS256', 'EdDSA']`. `none` and the HMAC
   * algorithms are refused at construction: a public-key issuer never uses them legitimately.
   */
  algorithms?: string[];
  /** Where the issuer's keys are. Default: `jwks_uri` from `issuer + '/.well-known/openid-configuration'`. */
  jwksUri?: string;
  /** Default `ci` for GitHub Actions, `user` otherwise. */
  kind?: 'user' | 'ci' | 'service';
  /** Claim that names the subject. Default `sub`; e.g. `email`. */
  subjectClaim?: string;
  /** Claim holding the subject's groups (a string or a list). Default: none. */
  groupsClaim?: string;
}

/** Test hook: the fetch used for discovery and JWKS (kept out of the ordinary options). */
export const customFetch: unique symbol = Symbol('signet.auth.customFetch');

export interface JwtAuthenticatorOptions {
  issuers: IssuerConfig[];
  /** Allowed clock skew for `exp` and `nbf`, in seconds. Default 60. */
  clockToleranceSec?: number;
  [customFetch]?: typeof fetch;
}

/** Verifies bearer JWTs from configured issuers. */
export interface JwtAuthenticator {
  /**
   * @throws SignetError `UNAUTHENTICATED` with `details.reason` one of `malformed`,
   * `alg-not-allowed`, `signature`, `expired`, `not-yet-valid`, `audience`, `issuer`,
   * `unknown-kid`, `claims`; `UNAVAILABLE` when the issuer's keys cannot be fetched.
   */
  authenticate(token: string): Promise<Principal>;
}

const DEFAULT_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'];
const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Creates a JWT authenticator. Keys come from each issuer's JWKS, fetched on first use and cached
 * by jose (refetched, within its cooldown, when an unknown `kid` appears).
 *
 * @example
 * ```ts
 * const jwt = createJwtAuthenticator({
 *   issuers: [{ issuer: 'https://token.actions.githubusercontent.com', audience: 'signet' }],
 * });
 * const principal = await jwt.authenticate(bearer); // kind 'ci', principal.ci.repository ...
 * ```
 */
export function createJwtAuthenticator(options: JwtAuthenticatorOptions): JwtAuthenticator {
  const fetchImpl = options[customFetch] ?? fetch;
  const tolerance = options.clockToleranceSec ?? 60;
  const issuers = new Map(options.issuers.map((c) => [c.issuer, issuerState(c, fetchImpl)]));

  return {
    async authenticate(token) {
      const { header, payload } = decode(token);
      const state = typeof payload.iss === 'string' ? issuers.get(payload.iss) : undefined;
      // Unknown issuers are refused before any network call: a token cannot make us fetch a URL.
      if (!state) throw refused('issuer', 'The token is not from a trusted issuer');
      if (typeof header.alg !== 'string' || !state.algorithms.includes(header.alg))
        throw refused('alg-not-allowed', `Tokens of ${state.config.issuer} may not use alg "${String(header.alg)}"`);
      const keys = await state.keys();
      let verified;
      try {
        verified = await jwtVerify(token, keys, {
          issuer: state.config.issuer,
          audience: state.config.audience,
          algorithms: state.algorithms,
          clockTolerance: tolerance,
        });
      } catch (cause) {
        throw joseRefusal(cause);
      }
      return principalFromClaims(verified.payload, state.config satisfies ClaimMapping);
    },
  };
}

function issuerState(config: IssuerConfig, fetchImpl: typeof fetch) {
  const algorithms = config.algorithms ?? DEFAULT_ALGORITHMS;
  const unsafe = algorithms.filter((a) => a === 'none' || /^HS/i.test(a));
  if (unsafe.length > 0)
    throw new SignetError('INVALID_ARGUMENT', `Issuer ${config.issuer} may not allow ${unsafe.join(', ')}`);
  let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keys = () => {
    // Discovery runs once; a failed attempt is forgotten so the next request retries it.
    jwks ??= (config.jwksUri ? Promise.resolve(config.jwksUri) : discoverJwksUri(config.issuer, fetchImpl)).then(
      (uri) => createRemoteJWKSet(new URL(uri), { [joseFetch]: fetchImpl }),
    );
    jwks.catch(() => (jwks = undefined));
    return jwks;
  };
  return { config, algorithms, keys };
}

function decode(token: string) {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw refused('malformed', 'Not a JWT');
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch (cause) {
    throw refused('malformed', 'Not a JWT', cause);
  }
}
