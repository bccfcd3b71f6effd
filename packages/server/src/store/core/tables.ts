import type { ColumnType, Generated } from 'kysely';

/*
 * The signing engine's durable state. Two portable representations, the same on both dialects:
 *
 * - Times are epoch milliseconds (UTC) in an integer column (`bigint` on PostgreSQL, `integer` on
 *   SQLite, 64-bit on both). Integers compare, index and range-scan identically everywhere, unlike
 *   text timestamps whose order breaks outside years 0–9999 or with mixed offsets.
 * - Structured values (requests, decisions, results, principals) are JSON in `text` columns,
 *   written by `codec.ts` (digests hex, signatures and certificates base64). `text` rather than
 *   `jsonb`: nothing queries inside them, and one column type keeps the two dialects alike.
 */

/**
 * Epoch milliseconds. Written as a number; PostgreSQL's driver returns `bigint` as a string, so
 * reads go through `fromMillis` in `codec.ts`.
 */
export type Millis = ColumnType<number | string, number, number>;

/** Every policy ever stored; the highest `version` is the active one. */
export interface PoliciesTable {
  /** Random UUID, for references from elsewhere (audit events). */
  id: string;
  /** 1, 2, 3, ... unique: the order policies were stored in. */
  version: number;
  /** The document's own `revision` string. */
  revision: string;
  /** The YAML or JSON exactly as submitted. */
  document: string;
  /** SHA-256 (hex) of `document` as UTF-8. */
  sha256: string;
  created_at: Millis;
  /** Who stored it (`principalId`). */
  created_by: string;
}

/** One allowed signing request, counted by quotas and release windows. */
export interface UsageTable {
  key: string;
  principal: string;
  rule: string;
  at: Millis;
  count: number;
}

/** Requests waiting for approvals. */
export interface PendingRequestsTable {
  /** `requestFingerprint(request)`. */
  id: string;
  /** `SigningRequest` as JSON (`encodeRequest`). */
  request: string;
  /** `Decision` as JSON (`encodeDecision`). */
  decision: string;
  created_at: Millis;
  updated_at: Millis;
}

/** Approvals and denials, bound to a request fingerprint. */
export interface ApprovalsTable {
  /** Insertion order: approvals are read back in the order they were given. */
  seq: Generated<number | string>;
  fingerprint: string;
  /** `Principal` as JSON. */
  approver: string;
  decision: 'approve' | 'deny';
  at: Millis;
  comment: string | null;
}

/** Idempotency keys: who is working on a key, and its result once done. */
export interface IdempotencyTable {
  key: string;
  /** Fingerprint of the request that claimed the key. */
  fingerprint: string;
  state: 'in-progress' | 'done';
  /** `SigningResult` as JSON (`encodeResult`) once `done`. */
  result: string | null;
  created_at: Millis;
  /** Last change; an `in-progress` row left unchanged too long belongs to a crashed process. */
  updated_at: Millis;
}

/** Tables owned by the core store (policies, usage, approvals, idempotency). */
export interface CoreTables {
  policies: PoliciesTable;
  usage: UsageTable;
  pending_requests: PendingRequestsTable;
  approvals: ApprovalsTable;
  idempotency: IdempotencyTable;
}
