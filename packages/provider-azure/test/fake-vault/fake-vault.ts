import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { FakeKeyStore, type CreateOptions, type FakeKeyKind, type StoredVersion } from './key-store.js';
import { route, type VaultOperation } from './routes.js';
import { loopbackCertificate } from './tls.js';
import { vaultError, type Reply } from './wire.js';

/*
 * A loopback Azure Key Vault: HTTPS with a self-signed certificate for 127.0.0.1, the bearer
 * challenge (an unauthenticated request gets 401 and `WWW-Authenticate: Bearer authorization=...,
 * resource=...`), `api-version` required, Key Vault's paths, JSON and errors, real keys and real
 * signatures. Faults: throttling (429 + Retry-After), outages (503), dropped connections, delays.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  /** The request carried the right bearer token. */
  authorized: boolean;
  status: number;
}

export interface FakeVault {
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  /** `127.0.0.1:PORT`, as key URIs name the vault. */
  readonly host: string;
  /** The PEM certificate to trust. */
  readonly ca: string;
  readonly tenant: string;
  /** The bearer token the vault accepts. */
  readonly token: string;
  readonly requests: RecordedRequest[];
  createKey(name: string, kind: FakeKeyKind, options?: CreateOptions): Promise<StoredVersion>;
  versions(name: string): StoredVersion[];
  /** The next `times` authenticated requests get 429 Throttled; 0 ends it. */
  throttle(times: number): void;
  /** The next `times` authenticated requests get 503 ServiceUnavailable. */
  outage(times: number): void;
  /** The next `times` authenticated requests have their connection destroyed unanswered. */
  dropConnections(times: number): void;
  /** Authenticated requests wait this long before being answered. */
  delay(ms: number): void;
  /** Refuses an operation with 403 Forbidden, as a role without its data action would be. */
  deny(operation: VaultOperation, denied?: boolean): void;
  /** Marks a name as held by a soft-deleted key. */
  softDelete(name: string): void;
  /** Ends every fault and denial. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeVaultOptions {
  /** Items per page of a listing (Key Vault's default is 25); small, so paging is exercised. */
  pageSize?: number;
}

const MAX_BODY = 64 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) request.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startFakeVault(options: FakeVaultOptions = {}): Promise<FakeVault> {
  const store = await FakeKeyStore.open();
  const tls = await loopbackCertificate();
  const tenant = randomUUID();
  const token = `fake-token-${randomUUID()}`;
  const requests: RecordedRequest[] = [];
  const denied = new Set<VaultOperation>();
  const deleted = new Set<string>();
  const faults = { throttle: 0, outage: 0, drop: 0, delayMs: 0 };
  let base = '';

  const challenge =
    `Bearer authorization="https://login.microsoftonline.com/${tenant}", ` + `resource="https://vault.azure.net"`;

  async function answer(request: IncomingMessage, body: string): Promise<Reply | 'drop'> {
    const url = new URL(request.url ?? '/', base);
    const authorization = request.headers.authorization;
    if (authorization !== `Bearer ${token}`) {
      const message = authorization
        ? 'AKV10032: Invalid issuer or token.'
        : 'AKV10000: Request is missing a Bearer or PoP token.';
      return vaultError(401, 'Unauthorized', message, { 'www-authenticate': challenge });
    }
    if (faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
    if (faults.drop > 0) {
      faults.drop--;
      return 'drop';
    }
    if (faults.throttle > 0) {
      faults.throttle--;
      return vaultError(429, 'Throttled', 'Request was not processed because too many requests were received.', {
        'retry-after': '1',
      });
    }
    if (faults.outage > 0) {
      faults.outage--;
      return vaultError(503, 'ServiceUnavailable', 'The service is temporarily unavailable.');
    }
    if (!url.searchParams.get('api-version')) return vaultError(400, 'BadParameter', 'api-version is missing.');
    const parts = url.pathname.split('/').slice(1);
    if (parts[0] !== 'keys') return vaultError(404, 'NotFound', `No route ${url.pathname}`);
    let parsed: unknown;
    if (request.method === 'POST') {
      try {
        parsed = JSON.parse(body);
      } catch {
        return vaultError(400, 'BadParameter', 'The request body is not valid JSON.');
      }
    }
    const segments = parts.slice(1).map(decodeURIComponent);
    return route(
      { store, base, pageSize: options.pageSize ?? 2, denied, deleted },
      { method: request.method ?? 'GET', segments, query: url.searchParams, body: parsed },
    );
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const authorized = request.headers.authorization === `Bearer ${token}`;
    let reply: Reply | 'drop';
    try {
      reply = await answer(request, body);
    } catch (error) {
      reply = vaultError(500, 'InternalServerError', String(error));
    }
    const path = new URL(request.url ?? '/', base).pathname;
    if (reply === 'drop') {
      requests.push({ method: request.method ?? '', path, authorized, status: 0 });
      request.socket.destroy();
      return;
    }
    requests.push({ method: request.method ?? '', path, authorized, status: reply.status });
    response.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ms-request-id': randomUUID(),
      'x-ms-keyvault-service-version': '1.9.0.0',
      ...reply.headers,
    });
    response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  const server = createServer({ key: tls.key, cert: tls.cert }, (request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `https://${host}`;

  return {
    url: base,
    host,
    ca: tls.cert,
    tenant,
    token,
    requests,
    createKey: (name, kind, createOptions) => store.create(name, kind, createOptions),
    versions: (name) => store.versions(name),
    throttle: (times) => void (faults.throttle = times),
    outage: (times) => void (faults.outage = times),
    dropConnections: (times) => void (faults.drop = times),
    delay: (ms) => void (faults.delayMs = ms),
    deny: (operation, on = true) => void (on ? denied.add(operation) : denied.delete(operation)),
    softDelete: (name) => void deleted.add(name.toLowerCase()),
    reset() {
      Object.assign(faults, { throttle: 0, outage: 0, drop: 0, delayMs: 0 });
      denied.clear();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}
