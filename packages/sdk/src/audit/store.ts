import { SignetError } from '../errors/errors.js';
import type { SignedCheckpoint } from './checkpoint.js';
import type { StoredRecord } from './event.js';

/**
 * Where an audit log keeps its records and checkpoints. The log is the only writer: it assigns
 * indexes, chains records and calls `append` one batch at a time. Implementations:
 * `createMemoryAuditStore()` (tests, ephemeral), `createFileAuditStore({ directory })` (embedded
 * default), and the server's database store.
 *
 * @example
 * ```ts
 * const log = await createAuditLog({ store: await createFileAuditStore({ directory }), origin });
 * ```
 */
export interface AuditStore {
  /**
   * Appends records that continue the log (the first has index `size()`). Resolves only once they
   * are durable. All or nothing: when it rejects, the store holds exactly what it held before, or
   * refuses every later append until reopened.
   *
   * @throws SignetError `AUDIT_UNAVAILABLE` when the records could not be made durable.
   */
  append(records: readonly StoredRecord[]): Promise<void>;
  /** Number of durable records. */
  size(): Promise<number>;
  /** Records [from, to), with the exact JSON that was hashed. */
  read(from: number, to: number): Promise<StoredRecord[]>;
  /** Appends a signed checkpoint; durable when resolved. @throws SignetError `AUDIT_UNAVAILABLE` */
  appendCheckpoint(checkpoint: SignedCheckpoint): Promise<void>;
  /** Every stored checkpoint, oldest first. */
  checkpoints(): Promise<SignedCheckpoint[]>;
  /** Releases files and locks. Later calls fail with `AUDIT_CLOSED`. */
  close(): Promise<void>;
}

/** Refuses records that do not continue a store of `size` records: a second writer, or a bug. */
export function assertContinues(records: readonly StoredRecord[], size: number): void {
  records.forEach(({ record }, i) => {
    if (record.index !== size + i) {
      throw new SignetError('INVALID_ARGUMENT', `Audit record ${record.index} does not continue a log of ${size + i}`, {
        details: { index: record.index, expected: size + i },
      });
    }
  });
}

/** The error of a store used after `close`. */
export function storeClosed(): SignetError {
  return new SignetError('AUDIT_CLOSED', 'The audit store is closed');
}

/** A store failure as the log reports it: `AUDIT_UNAVAILABLE`, the original kept as `cause`. */
export function unavailable(cause: unknown): SignetError {
  if (cause instanceof SignetError && cause.code === 'AUDIT_UNAVAILABLE') return cause;
  const why = cause instanceof Error ? cause.message : String(cause);
  return new SignetError('AUDIT_UNAVAILABLE', `The audit store failed: ${why}`, { cause });
}
