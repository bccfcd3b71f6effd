import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { ProviderRegistry } from '@signet/sdk';
import type { AuditEventInput, AuditRecord, SignedCheckpoint } from '@signet/sdk/audit';
import type { Principal, SigningEngine, SigningJobs } from '@signet/sdk/signing';
import type { Agents, ApiTokens } from '../auth/index.js';
import type { PolicyRepository } from '../store/core/index.js';
import type { TimestampAuthority } from '../timestamp/authority.js';
import type { Metrics } from './metrics.js';

export type { PolicyRepository, StoredPolicy } from '../store/core/index.js';

/** The audit log as the API uses it (the database-ordered log of the server). */
export interface AuditReader {
  /** Records administrative events (policy, keys, tokens, agents); resolves once durable. */
  append(events: readonly AuditEventInput[]): Promise<unknown>;
  size(): number | Promise<number>;
  read(from: number, to: number): Promise<AuditRecord[]>;
  root(size?: number): Uint8Array | Promise<Uint8Array>;
  inclusionProof(index: number, size?: number): Uint8Array[] | Promise<Uint8Array[]>;
  consistencyProof(from: number, to?: number): Uint8Array[] | Promise<Uint8Array[]>;
  latestCheckpoint(): SignedCheckpoint | undefined | Promise<SignedCheckpoint | undefined>;
  /** Signs a checkpoint of the log as it is now (with the audit key). */
  checkpoint(): Promise<SignedCheckpoint>;
  export(): AsyncIterable<string>;
}

/** Everything the HTTP layer needs, built once by the composition root (`createSignetServer`). */
export interface Services {
  readonly engine: SigningEngine;
  readonly providers: ProviderRegistry;
  readonly jobs: SigningJobs;
  readonly audit: AuditReader;
  readonly policies: PolicyRepository;
  /** Sets `principal` on the context, or throws UNAUTHENTICATED / PERMISSION_DENIED. */
  readonly authenticate: MiddlewareHandler<AppEnv>;
  /** Resolves when the server can take requests (database, providers); rejects with why not. */
  ready(): Promise<void>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Service-account tokens and agents, for the admin routes; absent in embeddings without them. */
  readonly tokens?: ApiTokens;
  readonly agents?: Agents;
  /** Requests per second each principal may make to /v1 (token bucket, burst = 2 × rate). Default 200. */
  readonly rateLimit?: number;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  readonly bodyLimit?: number;
  /** The RFC 3161 timestamp authority behind `POST /v1/timestamp`; absent when disabled. */
  readonly timestamps?: TimestampAuthority;
}

/** Hono's typed context for Signet's routes. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}
