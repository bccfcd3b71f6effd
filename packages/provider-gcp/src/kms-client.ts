import type { Endpoint } from './endpoint.js';
import { staticTokenAuth, type AccessTokenSource } from './static-token-auth.js';

/**
 * The part of `@google-cloud/kms`'s `KeyManagementServiceClient` this provider uses, so a caller
 * can inject a client it already has (REST transport, `fallback: true`; see the README).
 */
export interface KmsClient {
  /** Builds the transport stub (and resolves credentials); fills `innerApiCalls`. */
  initialize(): Promise<unknown>;
  /**
   * gax's calls, by method name. The client's public methods wrap these in a `.then` that drops
   * the `cancel()` gax returns; only the inner calls can tear down an in-flight request.
   */
  readonly innerApiCalls: { [method: string]: Function };
  close(): Promise<void>;
}

export interface KmsClientSettings {
  endpoint: Endpoint;
  accessToken?: AccessTokenSource;
  keyFilename?: string;
}

/**
 * Creates the real client on the REST transport: HTTP/1.1 + JSON, which crosses proxies and is
 * the surface this package's tests exercise. The only module that loads the vendor SDK, and
 * only when a provider first needs it (gax takes a few hundred ms to load).
 */
export async function createKmsClient(settings: KmsClientSettings): Promise<KmsClient> {
  const { KeyManagementServiceClient } = await import('@google-cloud/kms');
  const { host, port, protocol } = settings.endpoint;
  return new KeyManagementServiceClient({
    fallback: true,
    apiEndpoint: host,
    port,
    protocol,
    // gax accepts any object with `getRequestHeaders` and `fetch` as its auth client; the type
    // names google-auth-library's class, which we do not depend on.
    ...(settings.accessToken ? { authClient: staticTokenAuth(settings.accessToken) as never } : {}),
    ...(settings.keyFilename ? { keyFilename: settings.keyFilename } : {}),
  });
}
