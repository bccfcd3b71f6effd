import { SignetError } from '@signet/sdk';

const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * Finds an issuer's JWKS URL from its OpenID Connect discovery document. The document must name
 * the same issuer (OpenID Connect Discovery 1.0, section 4.3), so a misconfigured or spoofed
 * document cannot point us at someone else's keys.
 *
 * @throws SignetError `UNAVAILABLE` when the document cannot be fetched or is not usable.
 */
export async function discoverJwksUri(issuer: string, fetchImpl: typeof fetch): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let document: unknown;
  try {
    const response = await fetchImpl(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    document = await response.json();
  } catch (cause) {
    throw new SignetError('UNAVAILABLE', `The OIDC discovery document of ${issuer} could not be fetched`, {
      cause,
      details: { issuer },
    });
  }
  const { issuer: named, jwks_uri: jwksUri } = (document ?? {}) as Record<string, unknown>;
  if (named !== issuer || typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) {
    throw new SignetError('UNAVAILABLE', `The OIDC discovery document of ${issuer} is not usable`, {
      details: { issuer, reason: named !== issuer ? 'issuer-mismatch' : 'no-jwks-uri' },
    });
  }
  return jwksUri;
}
