import type { CallOptions } from '@signet/sdk';
import type { AuditEventInput, AuditRecord, SignedCheckpoint } from '@signet/sdk/audit';
import type { WriteTransaction } from './write-transaction.js';

/**
 * The SDK's `AuditLog`, with the database ordering appends instead of this process: any number
 * of replicas may append to one PostgreSQL log at once. Appends take a lock inside a transaction,
 * read the last record and continue the chain from it, so indexes stay contiguous and `prev`
 * chains across replicas. Questions about the tree are asynchronous because this process first
 * catches up with what the other replicas appended.
 */
export interface DbAuditLog {
  readonly origin: string;
  /**
   * Records events in order; resolves once their transaction committed (durable). Appends that
   * arrive while a transaction runs share the next one (group commit).
   *
   * @throws SignetError `AUDIT_UNAVAILABLE` (nothing was recorded: discard the signature),
   * `INVALID_ARGUMENT` for a bad event, `AUDIT_CLOSED`.
   */
  append(events: readonly AuditEventInput[], options?: CallOptions): Promise<AuditRecord[]>;
  /**
   * Appends inside the caller's write transaction (`writeTransaction`), so the records commit or
   * roll back with the caller's other writes, e.g. a job's completion. Not group-committed.
   */
  appendInTransaction(trx: WriteTransaction, events: readonly AuditEventInput[]): Promise<AuditRecord[]>;
  /** Number of committed records. */
  size(): Promise<number>;
  /** Records [from, to) (default: to the end). */
  read(from: number, to?: number): Promise<AuditRecord[]>;
  /** Merkle root of the first `size` records (default: all). */
  root(size?: number): Promise<Uint8Array>;
  /** Proof that record `index` is in the tree of the first `size` records. */
  inclusionProof(index: number, size?: number): Promise<Uint8Array[]>;
  /** Proof that the tree of `from` records is a prefix of the tree of `to` records. */
  consistencyProof(from: number, to?: number): Promise<Uint8Array[]>;
  /** Signs and stores the current size and root. @throws SignetError `KEY_NOT_FOUND` without a signer */
  checkpoint(options?: CallOptions): Promise<SignedCheckpoint>;
  /** The stored checkpoint of the largest size (any replica's), if any. */
  latestCheckpoint(): Promise<SignedCheckpoint | undefined>;
  /** The records as JSON Lines, exactly the bytes that were hashed. */
  export(): AsyncIterable<string>;
  /** Waits for queued appends; later calls fail with `AUDIT_CLOSED`. The database stays open. */
  close(): Promise<void>;
}
