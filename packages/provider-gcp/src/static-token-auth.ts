/** A ready OAuth 2.0 access token, or a function that returns a fresh one for each request. */
export type AccessTokenSource = string | (() => Promise<string>);

/**
 * An HTTP answer outside 2xx. Shaped like google-auth-library's GaxiosError (the HTTP `status`,
 * the body as the message), so one error mapping serves both transports.
 */
export class KmsHttpError extends Error {
  override readonly name = 'KmsHttpError';
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(body);
  }
}

interface FetchInit {
  method?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

/**
 * The smallest auth client gax's REST transport accepts: it adds `Authorization: Bearer` and
 * fetches. For CI jobs that already hold a short-lived token (`gcloud auth print-access-token`,
 * workload identity federation); it never talks to a token endpoint or the metadata server.
 */
export function staticTokenAuth(source: AccessTokenSource) {
  const token = typeof source === 'string' ? async () => source : source;
  return {
    async getRequestHeaders(): Promise<Headers> {
      return new Headers({ authorization: `Bearer ${await token()}` });
    },
    async fetch(url: string, init: FetchInit = {}): Promise<Response> {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${await token()}`);
      const response = await fetch(url, {
        method: init.method ?? 'GET',
        headers,
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.signal ? { signal: init.signal } : {}),
      });
      if (!response.ok) throw new KmsHttpError(response.status, await response.text());
      return response;
    },
  };
}
