import type { SignedCheckpoint } from './checkpoint.js';
import type { StoredRecord } from './event.js';
import { assertContinues, storeClosed, type AuditStore } from './store.js';

/**
 * An {@link AuditStore} in memory: durable for as long as the process lives. For tests, benches and
 * short-lived embedded runs whose audit trail is exported before exit.
 *
 * @example
 * ```ts
 * const log = await createAuditLog({ store: createMemoryAuditStore(), origin: 'test/audit' });
 * ```
 */
export function createMemoryAuditStore(): AuditStore {
  const records: StoredRecord[] = [];
  const checkpoints: SignedCheckpoint[] = [];
  let closed = false;

  function assertOpen(): void {
    if (closed) throw storeClosed();
  }

  return {
    async append(batch) {
      assertOpen();
      assertContinues(batch, records.length);
      for (const record of batch) records.push(record); // no spread: a batch may be large
    },
    async size() {
      assertOpen();
      return records.length;
    },
    async read(from, to) {
      assertOpen();
      return records.slice(from, to);
    },
    async appendCheckpoint(checkpoint) {
      assertOpen();
      checkpoints.push(checkpoint);
    },
    async checkpoints() {
      assertOpen();
      return [...checkpoints];
    },
    async close() {
      closed = true;
    },
  };
}
