import { SignetError } from '@signet/sdk';

/** Where the REST calls go. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'https' | 'http';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Parses `cloudkms.googleapis.com`, `host:port` or `https://host[:port]`. Plain `http://` is
 * accepted for loopback only (an emulator or a test fake): a bearer token must not cross a network
 * in clear.
 *
 * @throws SignetError `INVALID_ARGUMENT`
 */
export function parseEndpoint(endpoint = 'cloudkms.googleapis.com'): Endpoint {
  let url: URL | undefined;
  try {
    url = new URL(endpoint.includes('://') ? endpoint : `https://${endpoint}`);
  } catch {
    url = undefined;
  }
  const bad = (why: string) =>
    new SignetError('INVALID_ARGUMENT', `Cloud KMS endpoint "${endpoint}" ${why}`, { details: { endpoint } });
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw bad('is not a host or an http(s) URL');
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw bad('must be a host and port only, without path, query or credentials');
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw bad('uses plain http, which is allowed for a loopback address only');
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}
