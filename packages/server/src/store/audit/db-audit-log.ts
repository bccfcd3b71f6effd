import { SignetError, type CallOptions, type Signer } from '@signet/sdk';
import {
  createGroupCommit,
  signCheckpoint,
  toHex,
  type AuditEventInput,
  type AuditRecord,
  type SignedCheckpoint,
} from '@signet/sdk/audit';
import type { Database } from '../database.js';
import { appendPrepared, auditUnavailable } from './append.js';
import { createLogTree } from './log-tree.js';
import { prepareEvent, type PreparedEvent } from './records.js';
import { writeTransaction, type WriteTransaction } from './write-transaction.js';
import type { DbAuditLog } from './db-audit-log-types.js';

export interface DbAuditLogOptions {
  /** The log's name in checkpoints, one line, e.g. `signet.example.com/audit`. */
  origin: string;
  /** Signs checkpoints (a dedicated audit key). Without it `checkpoint()` is refused. */
  checkpointSigner?: Signer;
  /** Clock for record and checkpoint times. Default: `() => new Date()`. */
  clock?: () => Date;
}

const EXPORT_CHUNK = 1024;

/**
 * The server's audit log: the SDK's records, chain, Merkle tree and checkpoints, with the database
 * ordering appends so several replicas can share one log (see {@link DbAuditLog}).
 *
 * @throws SignetError `AUDIT_CORRUPT` when the stored records do not chain or a stored checkpoint
 * does not match them, `INVALID_ARGUMENT` for a bad origin.
 * @example
 * ```ts
 * const audit = await createDbAuditLog(database, { origin: 'signet.example.com/audit', checkpointSigner });
 * const engine = createSigningEngine({ providers, policy, audit });
 * ```
 */
export async function createDbAuditLog(database: Database, options: DbAuditLogOptions): Promise<DbAuditLog> {
  const { origin, checkpointSigner } = options;
  const clock = options.clock ?? (() => new Date());
  if (typeof origin !== 'string' || origin === '' || /[\r\n]/.test(origin)) {
    throw new SignetError('INVALID_ARGUMENT', 'The audit log origin must be one non-empty line');
  }
  const logTree = createLogTree(database);
  // Checkpoints first, then the records: other replicas append and checkpoint meanwhile, and a
  // checkpoint read after the records could cover records this read did not see yet.
  const checkpoints = await storedCheckpoints(database);
  const tree = await logTree.sync();
  for (const checkpoint of checkpoints) {
    if (checkpoint.treeSize > tree.size || toHex(tree.root(checkpoint.treeSize)) !== checkpoint.rootHash) {
      throw new SignetError('AUDIT_CORRUPT', `The records do not match the checkpoint of ${checkpoint.treeSize}`, {
        details: { index: Math.max(Math.min(checkpoint.treeSize, tree.size) - 1, 0) },
      });
    }
  }
  let closed = false;
  let checkpointing: Promise<unknown> = Promise.resolve();
  const group = createGroupCommit<PreparedEvent[], AuditRecord[]>(async (batches) => {
    const records = await writeTransaction(database, (trx) => appendPrepared(trx, database, batches.flat()));
    let at = 0;
    return batches.map((events) => records.slice(at, (at += events.length)));
  }, 0);

  const open = async () => {
    if (closed) throw new SignetError('AUDIT_CLOSED', 'The audit log is closed');
    return logTree.sync();
  };
  const prepare = (events: readonly AuditEventInput[]) => {
    if (closed) throw new SignetError('AUDIT_CLOSED', 'The audit log is closed');
    return events.map((event) => prepareEvent(event, clock));
  };

  return {
    origin,
    async append(events) {
      const prepared = prepare(events);
      if (prepared.length === 0) return [];
      return group.submit(prepared).catch((cause: unknown) => Promise.reject(auditUnavailable(cause)));
    },
    async appendInTransaction(trx: WriteTransaction, events) {
      return appendPrepared(trx, database, prepare(events)).catch((cause: unknown) =>
        Promise.reject(auditUnavailable(cause)),
      );
    },
    size: async () => (await open()).size,
    async read(from, to) {
      const size = (await open()).size;
      const end = to ?? size;
      if (!(Number.isSafeInteger(from) && Number.isSafeInteger(end) && from >= 0 && from <= end && end <= size)) {
        throw new SignetError('INVALID_ARGUMENT', `Cannot read records [${from}, ${end}) of a log of ${size}`);
      }
      return (await readJson(database, from, end)).map((json) => JSON.parse(json) as AuditRecord);
    },
    root: async (size) => (await open()).root(size),
    inclusionProof: async (index, size) => (await open()).inclusionProof(index, size),
    consistencyProof: async (from, to) => (await open()).consistencyProof(from, to),
    async checkpoint(callOptions: CallOptions = {}) {
      if (!checkpointSigner) {
        throw new SignetError('KEY_NOT_FOUND', 'This audit log has no checkpoint signer (checkpointSigner)');
      }
      // One at a time in this process, so this replica's checkpoints never go back in size.
      const next = checkpointing.then(async () => {
        const current = await open();
        const body = { origin, treeSize: current.size, rootHash: toHex(current.root()), time: clock().toISOString() };
        const signed = await signCheckpoint(body, checkpointSigner, callOptions);
        await database.db
          .insertInto('audit_checkpoints')
          .values({ tree_size: signed.treeSize, json: JSON.stringify(signed), created_at: Date.now() })
          .execute()
          .catch((cause: unknown) => Promise.reject(auditUnavailable(cause)));
        return signed;
      });
      checkpointing = next.catch(() => undefined);
      return next;
    },
    async latestCheckpoint() {
      await open();
      const row = await database.db
        .selectFrom('audit_checkpoints')
        .select('json')
        .orderBy('tree_size', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? (JSON.parse(row.json) as SignedCheckpoint) : undefined;
    },
    async *export() {
      const end = (await open()).size;
      for (let from = 0; from < end; from += EXPORT_CHUNK) {
        for (const json of await readJson(database, from, Math.min(end, from + EXPORT_CHUNK))) yield `${json}\n`;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await group.flush();
      await checkpointing;
    },
  };
}

async function readJson(database: Database, from: number, to: number): Promise<string[]> {
  if (from >= to) return [];
  const rows = await database.db
    .selectFrom('audit_records')
    .select('json')
    .where('index', '>=', from)
    .where('index', '<', to)
    .orderBy('index')
    .execute();
  return rows.map((r) => r.json);
}

async function storedCheckpoints(database: Database): Promise<SignedCheckpoint[]> {
  const rows = await database.db.selectFrom('audit_checkpoints').select('json').orderBy('id').execute();
  return rows.map((r) => JSON.parse(r.json) as SignedCheckpoint);
}
