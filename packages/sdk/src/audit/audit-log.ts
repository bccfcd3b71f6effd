import { SignetError } from '../errors/errors.js';
import type { CallOptions } from '../provider/provider.js';
import type { Signer } from '../provider/signer.js';
import { signCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import type { AuditEventInput, AuditRecord } from './event.js';
import { createGroupCommit } from './group-commit.js';
import { toHex } from './hex.js';
import { assertRange } from './merkle.js';
import { MerkleTree } from './merkle-tree.js';
import { prepareEvent, sealRecords, type PreparedEvent } from './record.js';
import { replayStore } from './replay.js';
import { unavailable, type AuditStore } from './store.js';

export interface AuditLogOptions {
  /** Where records and checkpoints live. The log owns it: it closes it on `close()` or a failed open. */
  store: AuditStore;
  /** The log's name in checkpoints, one line, e.g. `signet.example.com/audit`. */
  origin: string;
  /** Signs checkpoints: a dedicated audit key from any provider. Without it `checkpoint()` is refused. */
  checkpointSigner?: Signer;
  /** Clock for record and checkpoint times. Default: `() => new Date()`. */
  clock?: () => Date;
  /**
   * Group commit window in ms: the first append into an idle log waits this long for others, then
   * all are written in one durable store append; appends arriving during a write go into the next
   * one. Default 0 (the current event-loop turn): the write itself is the batching window, which
   * measured about twice the throughput of a 2 ms window (docs/decisions/0003-audit-log.md).
   */
  commitInterval?: number;
}

/** An append-only, tamper-evident log of audit events with Merkle proofs and signed checkpoints. */
export interface AuditLog {
  readonly origin: string;
  /**
   * Records events in order and resolves with their records once they are durable (Invariant 3:
   * no signature without a durable audit record). Appends within `commitInterval` share one write.
   *
   * @throws SignetError `AUDIT_UNAVAILABLE` when the store failed (nothing was recorded: discard
   * the signature), `INVALID_ARGUMENT` for a bad event, `AUDIT_CLOSED`, `ABORTED`.
   */
  append(events: readonly AuditEventInput[], options?: CallOptions): Promise<AuditRecord[]>;
  /** Number of durable records. */
  size(): number;
  /** Records [from, to) (default: to the end). */
  read(from: number, to?: number): Promise<AuditRecord[]>;
  /** Merkle root of the first `size` records (default: all). */
  root(size?: number): Uint8Array;
  /** Proof that record `index` is in the tree of the first `size` records (default: all). */
  inclusionProof(index: number, size?: number): Uint8Array[];
  /** Proof that the tree of `from` records is a prefix of the tree of `to` records (default: all). */
  consistencyProof(from: number, to?: number): Uint8Array[];
  /**
   * Signs the current size, root and time with `checkpointSigner` and stores the checkpoint.
   *
   * @throws SignetError `KEY_NOT_FOUND` when the log has no checkpoint signer, provider errors.
   */
  checkpoint(options?: CallOptions): Promise<SignedCheckpoint>;
  /** The newest stored checkpoint, if any. */
  latestCheckpoint(): SignedCheckpoint | undefined;
  /** The records as JSON Lines (one `…\n` string per record), as they were hashed. */
  export(): AsyncIterable<string>;
  /** Writes what is queued, then closes the store. Later calls fail with `AUDIT_CLOSED`. */
  close(): Promise<void>;
}

const EXPORT_CHUNK = 1024;

/**
 * Opens an audit log on a store: replays the stored records into the Merkle tree, checking the
 * `prev` chain and every stored checkpoint's root.
 *
 * @throws SignetError `AUDIT_CORRUPT` when the stored records do not chain or a checkpoint does
 * not match them, `INVALID_ARGUMENT` for bad options.
 * @example
 * ```ts
 * const log = await createAuditLog({ store: await createFileAuditStore({ directory }), origin: 'signet.example.com/audit', checkpointSigner });
 * await log.append([{ type: 'signature', actor: 'local|alice', data: { key: 'soft://release', digest } }]);
 * const checkpoint = await log.checkpoint();
 * ```
 */
export async function createAuditLog(options: AuditLogOptions): Promise<AuditLog> {
  const { store, origin, checkpointSigner } = options;
  const clock = options.clock ?? (() => new Date());
  const interval = options.commitInterval ?? 0;
  let tree: MerkleTree;
  let prev: string;
  let checkpoints: SignedCheckpoint[];
  try {
    if (typeof origin !== 'string' || origin === '' || /[\r\n]/.test(origin)) {
      throw new SignetError('INVALID_ARGUMENT', 'The audit log origin must be one non-empty line');
    }
    if (!(interval >= 0 && interval < 1000)) {
      throw new SignetError('INVALID_ARGUMENT', `commitInterval must be 0 to 999 ms, not ${interval}`);
    }
    ({ tree, prev, checkpoints } = await replayStore(store));
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  let closed = false;
  let checkpointing: Promise<unknown> = Promise.resolve();

  const group = createGroupCommit<PreparedEvent[], AuditRecord[]>(async (batches) => {
    // Sealed only now, after the previous batch's outcome is known (see sealRecords).
    const { sealed, last } = sealRecords(batches.flat(), tree.size, prev);
    await store.append(sealed).catch((cause: unknown) => {
      throw unavailable(cause);
    });
    for (const record of sealed) tree.append(record.leafHash);
    prev = last;
    let at = 0;
    return batches.map((events) => sealed.slice(at, (at += events.length)).map((s) => s.record));
  }, interval);

  function assertOpen(): void {
    if (closed) throw new SignetError('AUDIT_CLOSED', 'The audit log is closed');
  }

  return {
    origin,
    async append(events, callOptions = {}) {
      assertOpen();
      const prepared = events.map((event) => prepareEvent(event, clock));
      if (prepared.length === 0) return [];
      return group.submit(prepared, callOptions.signal);
    },
    size() {
      assertOpen();
      return tree.size;
    },
    async read(from, to = tree.size) {
      assertOpen();
      assertRange('to', to, 0, tree.size);
      assertRange('from', from, 0, to);
      return (await store.read(from, to)).map((s) => s.record);
    },
    root(size) {
      assertOpen();
      return tree.root(size);
    },
    inclusionProof(index, size) {
      assertOpen();
      return tree.inclusionProof(index, size);
    },
    consistencyProof(from, to) {
      assertOpen();
      return tree.consistencyProof(from, to);
    },
    async checkpoint(callOptions = {}) {
      assertOpen();
      if (!checkpointSigner) {
        throw new SignetError('KEY_NOT_FOUND', 'This audit log has no checkpoint signer (checkpointSigner)');
      }
      // One at a time, so stored checkpoints never go back in size.
      const next = checkpointing.then(async () => {
        const body = { origin, treeSize: tree.size, rootHash: toHex(tree.root()), time: clock().toISOString() };
        const signed = await signCheckpoint(body, checkpointSigner, callOptions);
        await store.appendCheckpoint(signed).catch((cause: unknown) => {
          throw unavailable(cause);
        });
        checkpoints.push(signed);
        return signed;
      });
      checkpointing = next.catch(() => undefined);
      return next;
    },
    latestCheckpoint() {
      assertOpen();
      return checkpoints.at(-1);
    },
    async *export() {
      assertOpen();
      const end = tree.size;
      for (let from = 0; from < end; from += EXPORT_CHUNK) {
        for (const { json } of await store.read(from, Math.min(end, from + EXPORT_CHUNK))) yield `${json}\n`;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await group.flush();
      await checkpointing;
      await store.close();
    },
  };
}
