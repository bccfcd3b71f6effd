import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeKeyStore, type AddKeyParams } from './fake-kms-keys.js';
import { createRoutes, type Corruption } from './fake-kms-routes.js';
import { denied, sendError, sendJson, WireError, type StateName } from './fake-kms-wire.js';

export type { Corruption } from './fake-kms-routes.js';

/**
 * A loopback Cloud KMS for tests: the REST surface `@google-cloud/kms` speaks with
 * `fallback: true` (paths, query, camelCase JSON, int64 as strings, bytes as base64, enums as
 * numbers when asked), real keys and real signatures, Google's error bodies, and faults to inject.
 */
export interface FakeKms {
  /** `http://127.0.0.1:PORT`, for the provider's `endpoint`. */
  readonly endpoint: string;
  /** The only bearer token it accepts. */
  readonly token: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests whose client went away before the answer (a cancelled call). */
  readonly disconnects: number;
  addKeyRing(name: string): void;
  addKey(ring: string, id: string, params: AddKeyParams): Promise<string[]>;
  setState(version: string, state: StateName): void;
  /** The next `times` requests fail with 429 RESOURCE_EXHAUSTED; 0 ends it. */
  throttle(times: number): void;
  /** The next `times` requests fail: 503 UNAVAILABLE (json), a 502 HTML page (html), or a reset connection. */
  outage(times: number, kind?: 'json' | 'html' | 'reset'): void;
  /** The next `times` answers (or received digests) are damaged in the given way. */
  corrupt(kind: Corruption, times: number): void;
  /** Requests on resources under `prefix` fail with PERMISSION_DENIED. */
  deny(prefix: string): void;
  /** Holds every request until `release()`. */
  hold(): void;
  release(): void;
  /** Resolves once `count` requests are being held. */
  waitForHeld(count: number): Promise<void>;
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
}

export async function startFakeKms(options: { token?: string; maxPageSize?: number } = {}): Promise<FakeKms> {
  const store = await FakeKeyStore.create();
  const token = options.token ?? 'fake-access-token';
  const requests: RecordedRequest[] = [];
  const faults = { throttle: 0, outage: 0, outageKind: 'json' as 'json' | 'html' | 'reset' };
  const corruptions = new Map<Corruption, number>();
  const denials: string[] = [];
  let holding = false;
  let held: (() => void)[] = [];
  let heldWaiters: (() => void)[] = [];
  let disconnects = 0;

  const route = createRoutes({
    store,
    maxPageSize: options.maxPageSize ?? 1000,
    take(kind) {
      const left = corruptions.get(kind) ?? 0;
      if (left > 0) corruptions.set(kind, left - 1);
      return left > 0;
    },
    checkAccess(permission, resource) {
      if (denials.some((p) => resource.startsWith(p))) throw denied(permission, resource);
    },
  });

  /** What Google's front end does before the service sees a request: authentication, quota, outages. */
  function frontEnd(req: IncomingMessage, res: ServerResponse): 'pass' | 'answered' {
    if (req.headers.authorization !== `Bearer ${token}`) {
      throw new WireError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }
    if (faults.throttle > 0) {
      faults.throttle--;
      throw new WireError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Cryptographic requests'.", [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'RATE_LIMIT_EXCEEDED',
          domain: 'googleapis.com',
        },
      ]);
    }
    if (faults.outage === 0) return 'pass';
    faults.outage--;
    if (faults.outageKind === 'json') throw new WireError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
    if (faults.outageKind === 'reset') req.socket.destroy();
    else {
      res.writeHead(502, { 'content-type': 'text/html; charset=UTF-8' });
      res.end('<!DOCTYPE html><title>Error 502 (Server Error)!!1</title><p>That’s an error.</p>');
    }
    return 'answered';
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded = {
      method: req.method ?? '',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    };
    requests.push(recorded);
    res.on('close', () => {
      if (!res.writableFinished) disconnects++;
    });
    if (holding) {
      await new Promise<void>((resolve) => {
        held.push(resolve);
        heldWaiters.forEach((wake) => wake());
      });
    }
    if (frontEnd(req, res) === 'pass') sendJson(res, 200, await route(recorded));
  }

  function release() {
    holding = false;
    const waiting = held;
    held = [];
    waiting.forEach((resume) => resume());
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString()).catch((error: unknown) => {
        if (res.headersSent || res.destroyed) return;
        if (error instanceof WireError) sendError(res, error.http, error.status, error.message, error.details);
        else sendError(res, 500, 'INTERNAL', `Internal error encountered: ${String(error)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    token,
    requests,
    get disconnects() {
      return disconnects;
    },
    addKeyRing: (name) => void store.addKeyRing(name),
    addKey: (ring, id, params) => store.addKey(ring, id, params),
    setState(name, state) {
      store.version(name)!.state = state;
    },
    throttle(times) {
      faults.throttle = times;
    },
    outage(times, kind = 'json') {
      faults.outage = times;
      faults.outageKind = kind;
    },
    corrupt(kind, times) {
      corruptions.set(kind, times);
    },
    deny(prefix) {
      denials.push(prefix);
    },
    hold() {
      holding = true;
    },
    release,
    async waitForHeld(count) {
      while (held.length < count) await new Promise<void>((resolve) => heldWaiters.push(resolve));
      heldWaiters = [];
    },
    async close() {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}
