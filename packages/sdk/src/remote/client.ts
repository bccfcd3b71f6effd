import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import type { SignatureAlgorithmId } from '../algorithms/algorithms.js';
import { SignetError } from '../errors/errors.js';
import type { KeyInfo } from '../provider/provider.js';
import type { Decision } from '../policy/decision.js';
import type { JobStatus } from '../signing/jobs.js';
import type { SigningRequest } from '../signing/request.js';
import type { SigningResult } from '../signing/result.js';
import { fromPem, toPem } from '../x509/pem.js';
import { errorFromResponse } from './problem.js';

export interface RemoteClientOptions {
  /** The server, e.g. `https://signet.example.com`. */
  url: string;
  /** Bearer token: an OIDC JWT (people, CI) or an API token (`sgt_...`). */
  token?: string;
  /** Per-request timeout in ms. Default 30 000 (long polls add their wait). */
  timeoutMs?: number;
  /** Retries for idempotent requests and throttling (429/503), with backoff. Default 2. */
  retries?: number;
}

interface WireKey {
  uri: string;
  name: string;
  spec: KeyInfo['spec'];
  algorithms: KeyInfo['algorithms'];
  publicKey: string;
  certificates: string[];
  createdAt?: string;
}
interface WireResult {
  requestId: string;
  key: string;
  algorithm: SignatureAlgorithmId;
  signatures: { digest: string; signature: string; auditIndex: number }[];
  certificates: string[];
  rule: string;
  policyVersion: string;
}
interface WireJob extends Omit<JobStatus, 'createdAt' | 'updatedAt'> {
  createdAt: string;
  updatedAt: string;
}

/** The Signet server's API, typed. Errors are the server's own SignetErrors (same codes). */
export interface RemoteClient {
  listKeys(options?: { signal?: AbortSignal }): Promise<KeyInfo[]>;
  getKey(uri: string, options?: { signal?: AbortSignal }): Promise<KeyInfo>;
  /** Attaches a certificate chain (DER, the key's own first) to a server-held key (admins). */
  setCertificates(uri: string, certificates: readonly Uint8Array[]): Promise<KeyInfo>;
  /** Signs synchronously; the principal is whoever the token says, not `request.principal`. */
  sign(
    request: Omit<SigningRequest, 'principal'> & { principal?: unknown },
    options?: { signal?: AbortSignal },
  ): Promise<SigningResult>;
  submitJob(request: Omit<SigningRequest, 'principal'> & { principal?: unknown }): Promise<JobStatus>;
  job(id: string): Promise<JobStatus>;
  /** Waits up to `waitSeconds` (max 60) for the job; undefined when it is still running. */
  jobResult(id: string, waitSeconds?: number): Promise<SigningResult | undefined>;
  cancelJob(id: string): Promise<JobStatus>;
  pendingApprovals(): Promise<unknown[]>;
  approve(requestId: string, decision: 'approve' | 'deny', comment?: string): Promise<Decision>;
  auditExport(): Promise<string>;
  auditCheckpoint(): Promise<unknown>;
}

/**
 * A client of the Signet server (ky). Only digests travel: the request carries each digest (hex)
 * and the artifact's name and digest for the audit log and approvers, never the artifact.
 *
 * @example
 * ```ts
 * const server = createRemoteClient({ url: 'http://127.0.0.1:8700', token: process.env.SIGNET_TOKEN });
 * const keys = await server.listKeys();
 * ```
 */
export function createRemoteClient(options: RemoteClientOptions): RemoteClient {
  const http: KyInstance = ky.create({
    prefixUrl: options.url.replace(/\/+$/, ''),
    timeout: options.timeoutMs ?? 30_000,
    retry: { limit: options.retries ?? 2, statusCodes: [429, 502, 503, 504], methods: ['get', 'put', 'delete'] },
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    throwHttpErrors: true,
  });

  const signalOf = ({ signal }: { signal?: AbortSignal }) => (signal ? { signal } : {});

  async function call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof HTTPError) throw await errorFromResponse(error.response);
      if (error instanceof TimeoutError)
        throw new SignetError('UNAVAILABLE', `${options.url} did not answer in time`, { cause: error });
      if (error instanceof SignetError) throw error;
      if ((error as Error)?.name === 'AbortError')
        throw new SignetError('ABORTED', 'The request was aborted', { cause: error });
      throw new SignetError('UNAVAILABLE', `${options.url} cannot be reached: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  const body = (request: Omit<SigningRequest, 'principal'>) => ({
    key: request.key,
    algorithm: request.algorithm,
    items: request.items.map((i) => ({
      digest: Buffer.from(i.digest).toString('hex'),
      ...(i.artifact ? { artifact: i.artifact } : {}),
    })),
    ...(request.metadata ? { metadata: request.metadata } : {}),
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
  });

  return {
    listKeys: (callOptions = {}) =>
      call(async () =>
        (await http.get('v1/keys', signalOf(callOptions)).json<{ keys: WireKey[] }>()).keys.map(toKeyInfo),
      ),
    getKey: (uri, callOptions = {}) =>
      call(async () =>
        toKeyInfo(await http.get(`v1/keys/${encodeURIComponent(uri)}`, signalOf(callOptions)).json<WireKey>()),
      ),
    setCertificates: (uri, certificates) =>
      call(async () => {
        const pem = certificates.map((der) => toPem('CERTIFICATE', der)).join('');
        const url = `v1/keys/${encodeURIComponent(uri)}/certificates`;
        return toKeyInfo(await http.put(url, { json: { certificates: pem } }).json<WireKey>());
      }),
    sign: (request, callOptions = {}) =>
      call(async () =>
        toResult(await http.post('v1/sign', { json: body(request), ...signalOf(callOptions) }).json<WireResult>()),
      ),
    submitJob: (request) =>
      call(async () => toJob(await http.post('v1/jobs', { json: body(request) }).json<WireJob>())),
    job: (id) => call(async () => toJob(await http.get(`v1/jobs/${encodeURIComponent(id)}`).json<WireJob>())),
    jobResult: (id, waitSeconds = 30) =>
      call(async () => {
        const wait = Math.min(60, Math.max(0, waitSeconds));
        const response = await http.get(`v1/jobs/${encodeURIComponent(id)}/result`, {
          searchParams: { wait },
          timeout: (wait + 30) * 1000,
        });
        return response.status === 202 ? undefined : toResult(await response.json<WireResult>());
      }),
    cancelJob: (id) =>
      call(async () => toJob(await http.post(`v1/jobs/${encodeURIComponent(id)}/cancel`).json<WireJob>())),
    pendingApprovals: () => call(async () => (await http.get('v1/approvals').json<{ pending: unknown[] }>()).pending),
    approve: (requestId, decision, comment) =>
      call(
        async () =>
          (
            await http
              .post(`v1/approvals/${requestId}`, { json: { decision, ...(comment ? { comment } : {}) } })
              .json<{ decision: Decision }>()
          ).decision,
      ),
    auditExport: () => call(() => http.get('v1/audit/export').text()),
    auditCheckpoint: () => call(() => http.get('v1/audit/checkpoint').json()),
  };
}

function toKeyInfo(key: WireKey): KeyInfo {
  return {
    uri: key.uri,
    name: key.name,
    spec: key.spec,
    algorithms: key.algorithms,
    publicKey: fromPem(key.publicKey, 'PUBLIC KEY')[0]!,
    certificates: key.certificates.flatMap((pem) => fromPem(pem, 'CERTIFICATE')),
    // An OpenPGP key's fingerprint includes it: the same through the server as locally.
    ...(key.createdAt ? { createdAt: new Date(key.createdAt) } : {}),
  };
}

function toResult(r: WireResult): SigningResult {
  return {
    ...r,
    signatures: r.signatures.map((s) => ({ ...s, signature: new Uint8Array(Buffer.from(s.signature, 'base64')) })),
    certificates: r.certificates.map((c) => new Uint8Array(Buffer.from(c, 'base64'))),
  };
}

function toJob(job: WireJob): JobStatus {
  return { ...job, createdAt: new Date(job.createdAt), updatedAt: new Date(job.updatedAt) };
}
