import type { ColumnType, Generated } from 'kysely';
import type { Millis } from '../core/tables.js';

/**
 * One audit record. `json` holds the exact canonical bytes that were hashed, so an export is a
 * plain read and a verifier recomputes the same leaves; the other columns are copies for queries.
 */
export interface AuditRecordsTable {
  /** Position in the log from 0, without gaps; the primary key refuses a second writer's duplicate. */
  index: ColumnType<number | string, number, never>;
  /** `canonicalJson(record)`, one line. */
  json: string;
  /** Hex RFC 6962 leaf hash of `json`: the next record's `prev`. */
  leaf_hash: string;
  type: string;
  /** The record's own time, epoch milliseconds. */
  time: Millis;
}

/** Signed checkpoints, as published. */
export interface AuditCheckpointsTable {
  id: Generated<number | string>;
  tree_size: ColumnType<number | string, number, never>;
  /** The `SignedCheckpoint` as JSON. */
  json: string;
  created_at: Millis;
}

/** Tables owned by the audit store. */
export interface AuditTables {
  audit_records: AuditRecordsTable;
  audit_checkpoints: AuditCheckpointsTable;
}
