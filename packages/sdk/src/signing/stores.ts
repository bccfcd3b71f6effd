import type { ApprovalRecord, Decision, UsageQuery } from '../policy/decision.js';
import type { SigningRequest } from './request.js';
import type { SigningResult } from './result.js';

/*
 * What the engine remembers between requests. Each is an interface so the embedded engine keeps
 * them in memory and the server keeps them in its database (SQLite or PostgreSQL).
 */

/** One allowed signing, counted by quotas and release windows. */
export interface UsageEntry {
  readonly key: string;
  /** `principalId(principal)`. */
  readonly principal: string;
  readonly rule: string;
  readonly at: Date;
  /** Signatures made (digests in the request). */
  readonly count: number;
}

/** Past signatures, for quotas and release windows. */
export interface UsageStore {
  record(entry: UsageEntry): Promise<void>;
  count(query: UsageQuery): Promise<number>;
}

/** A request waiting for approvals, as approvers see it. */
export interface PendingRequest {
  /** `requestFingerprint(request)`: also the request's id. */
  readonly id: string;
  readonly request: SigningRequest;
  readonly decision: Decision;
  readonly createdAt: Date;
}

/** Requests waiting for approval, and the approvals given. */
export interface ApprovalStore {
  /** Records (or refreshes the decision of) a pending request. */
  putPending(pending: PendingRequest): Promise<void>;
  getPending(id: string): Promise<PendingRequest | undefined>;
  listPending(): Promise<PendingRequest[]>;
  /**
   * Closes a request: it leaves the pending list. Once `signed`, its approvals are consumed, so
   * they never authorise the same request a second time; once `denied`, they are kept, so the
   * denial refuses the same request again (until it expires) instead of it going pending anew.
   */
  settle(id: string, outcome: 'signed' | 'denied'): Promise<void>;
  addApproval(record: ApprovalRecord): Promise<void>;
  approvals(fingerprint: string): Promise<ApprovalRecord[]>;
}

/** The outcome of starting a request under an idempotency key. */
export type IdempotencyClaim =
  | { readonly state: 'new' }
  | { readonly state: 'done'; readonly result: SigningResult }
  | { readonly state: 'conflict' }
  | { readonly state: 'in-progress'; readonly settled: Promise<void> };

/** Idempotency keys: the same key and request return the same result. */
export interface IdempotencyStore {
  /** Claims `key` for the request with `fingerprint`. */
  claim(key: string, fingerprint: string): Promise<IdempotencyClaim>;
  /** Stores the result of a claimed key. */
  complete(key: string, result: SigningResult): Promise<void>;
  /** Releases a claimed key after a failure, so the same request can be tried again. */
  release(key: string): Promise<void>;
}
