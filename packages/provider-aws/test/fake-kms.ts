import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKeyStore, type FakeKey, type NewKey } from './fake-kms/key-store.js';
import { KmsFault } from './fake-kms/kms-fault.js';
import { OPERATIONS } from './fake-kms/operations.js';
import { verifySigV4, type FakeCredentials } from './fake-kms/sigv4.js';

/** How an injected outage shows: a KMS 5xx error, an HTML 503 from a load balancer, or a dropped connection. */
export type OutageKind = 'internal' | 'dependency-timeout' | 'key-unavailable' | 'html-503' | 'reset';

export interface FakeKmsOptions {
  region?: string;
  account?: string;
  /** Items per page of ListKeys, ListAliases and ListResourceTags (KMS: 100, 100, 50). */
  pageSize?: number;
}

export interface FakeKms {
  /** `http://127.0.0.1:PORT`, for the KMS client's `endpoint`. */
  readonly endpoint: string;
  readonly region: string;
  readonly account: string;
  /** The credentials the fake accepts (it verifies SigV4 signatures made with them). */
  readonly credentials: FakeCredentials;
  /** Adds a key (and its aliases, names without `alias/`). Signing specs hold real private keys. */
  addKey(options: NewKey & { aliases?: string[] }): Promise<FakeKey & { uri: string }>;
  readonly keys: FakeKeyStore;
  /** Every request that passed authentication, in order: `TrentService.` target and KeyId. */
  readonly calls: { target: string; keyId?: unknown }[];
  readonly faults: {
    /** The next `n` requests fail with ThrottlingException; `throttle(0)` ends it. */
    throttle(n: number): void;
    /** The next `n` requests (of operation `target` only, when given) fail as the outage `kind` shows. */
    outage(n: number, kind?: OutageKind, target?: string): void;
    /** The next `n` requests (of operation `target` only, when given) fail with AccessDeniedException. */
    deny(n: number, target?: string): void;
    /** Every answer waits `ms` first (0 ends it). */
    delay(ms: number): void;
  };
  close(): Promise<void>;
}

const JSON_TYPE = 'application/x-amz-json-1.1';
const OUTAGES: Record<Exclude<OutageKind, 'html-503' | 'reset'>, [string, string]> = {
  internal: ['KMSInternalException', 'An internal error occurred.'],
  'dependency-timeout': ['DependencyTimeoutException', 'The system timed out while trying to fulfill the request.'],
  'key-unavailable': ['KeyUnavailableException', 'The key is not available. You can retry the request.'],
};

/**
 * A loopback AWS KMS: AWS JSON 1.1 over HTTP (`POST /`, `X-Amz-Target: TrentService.*`), SigV4
 * verified for real, real keys that sign for real, KMS's validation and error answers, and fault
 * injection. The real `KMSClient` talks to it through its `endpoint` option.
 */
export async function startFakeKms(options: FakeKmsOptions = {}): Promise<FakeKms> {
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '111122223333';
  const directory = await mkdtemp(join(tmpdir(), 'signet-fake-kms-'));
  const store = await FakeKeyStore.open(directory, region, account);
  const credentials: FakeCredentials = {
    accessKeyId: 'AKIAFAKEKMS0TESTKEY1',
    secretAccessKey: 'fake/kms/secret/key/for/tests/only0000000',
  };
  const calls: FakeKms['calls'] = [];
  const faults = {
    throttle: 0,
    outage: 0,
    outageKind: 'internal' as OutageKind,
    outageTarget: undefined as string | undefined,
    deny: 0,
    denyTarget: undefined as string | undefined,
    delay: 0,
  };

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if (faults.delay) await new Promise((resolve) => setTimeout(resolve, faults.delay));
    try {
      if (req.method !== 'POST' || req.url !== '/')
        throw new KmsFault('UnknownOperationException', 'Only POST / is served');
      const target = /^TrentService\.([A-Za-z]+)$/.exec(String(req.headers['x-amz-target'] ?? ''));
      const operation = target ? OPERATIONS[target[1]!] : undefined;
      if (!operation)
        throw new KmsFault('UnknownOperationException', `Unknown operation ${req.headers['x-amz-target']}`);
      if (req.headers['content-type'] !== JSON_TYPE) {
        throw new KmsFault('SerializationException', `Content-Type must be ${JSON_TYPE}`);
      }
      verifySigV4({ method: req.method, path: req.url, headers: req.headers, body }, [credentials], region);
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(body.length ? body.toString('utf8') : '{}') as Record<string, unknown>;
      } catch {
        throw new KmsFault('SerializationException', 'The request body is not valid JSON');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new KmsFault('SerializationException', 'The request body must be a JSON object');
      }
      calls.push({ target: target![1]!, keyId: input.KeyId });
      if (faults.throttle > 0) {
        faults.throttle--;
        throw new KmsFault('ThrottlingException', 'Rate exceeded');
      }
      if (faults.outage > 0 && (faults.outageTarget === undefined || faults.outageTarget === target![1])) {
        faults.outage--;
        if (faults.outageKind === 'reset') return void req.socket.destroy();
        if (faults.outageKind === 'html-503')
          return void res
            .writeHead(503, { 'content-type': 'text/html' })
            .end('<html><body>Service Unavailable</body></html>');
        throw new KmsFault(...OUTAGES[faults.outageKind]);
      }
      if (faults.deny > 0 && (faults.denyTarget === undefined || faults.denyTarget === target![1])) {
        faults.deny--;
        throw new KmsFault(
          'AccessDeniedException',
          `User: arn:aws:iam::${account}:user/test is not authorized to perform: kms:${target![1]} because no identity-based policy allows it`,
        );
      }
      send(res, 200, await operation(store, input, { pageSize: options.pageSize ?? 100 }));
    } catch (error) {
      if (!(error instanceof KmsFault)) throw error;
      send(res, error.status, { __type: error.type, message: error.message });
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        send(res, 500, { __type: 'KMSInternalException', message: `fake KMS bug: ${String(error)}` });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    account,
    credentials,
    keys: store,
    calls,
    async addKey({ aliases = [], ...key }) {
      const created = await store.create(key);
      for (const alias of aliases) store.aliases.set(`alias/${alias}`, created.id);
      return Object.assign(created, { uri: `awskms:///${created.arn}` });
    },
    faults: {
      throttle: (n) => void (faults.throttle = n),
      outage: (n, kind = 'internal', target) =>
        void Object.assign(faults, { outage: n, outageKind: kind, outageTarget: target }),
      deny: (n, target) => void Object.assign(faults, { deny: n, denyTarget: target }),
      delay: (ms) => void (faults.delay = ms),
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.soft.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function send(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': JSON_TYPE, 'x-amzn-requestid': randomUUID() }).end(JSON.stringify(body));
}
