import type { Selectable } from 'kysely';
import type { ApprovalStore, PendingRequest } from '@signet/sdk/signing';
import type { Database } from '../database.js';
import type { PendingRequestsTable } from './tables.js';
import {
  decodeApproval,
  decodeDecision,
  decodeRequest,
  encodeApproval,
  encodeDecision,
  encodeRequest,
  fromMillis,
} from './codec.js';

/**
 * Pending requests and their approvals in the database. Behaves like the SDK's
 * `createMemoryApprovalStore`, with one documented difference in order: `listPending` lists oldest
 * first by `createdAt` (then id), which is the memory store's insertion order whenever `createdAt`
 * is kept on refresh, as the engine does. Approvals come back in the order they were added.
 *
 * @example
 * ```ts
 * const engine = createSigningEngine({ ..., approvals: createDbApprovalStore(database) });
 * ```
 */
export function createDbApprovalStore(database: Database): ApprovalStore {
  const { db } = database;
  return {
    async putPending(pending) {
      const now = Date.now();
      const values = {
        request: encodeRequest(pending.request),
        decision: encodeDecision(pending.decision),
        created_at: pending.createdAt.getTime(),
        updated_at: now,
      };
      // An upsert, so two replicas refreshing the same request never collide.
      await db
        .insertInto('pending_requests')
        .values({ id: pending.id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    },
    async getPending(id) {
      const row = await db.selectFrom('pending_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPending(row);
    },
    async listPending() {
      const rows = await db.selectFrom('pending_requests').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toPending);
    },
    async settle(id, outcome) {
      // One transaction: a signed request never leaves the list while its approvals survive to
      // authorise it again, nor the other way round. A denied one keeps them: the denial stands.
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('pending_requests').where('id', '=', id).execute();
        if (outcome === 'signed') await trx.deleteFrom('approvals').where('fingerprint', '=', id).execute();
      });
    },
    async addApproval(record) {
      await db.insertInto('approvals').values(encodeApproval(record)).execute();
    },
    async approvals(fingerprint) {
      const rows = await db
        .selectFrom('approvals')
        .select(['fingerprint', 'approver', 'decision', 'at', 'comment'])
        .where('fingerprint', '=', fingerprint)
        .orderBy('seq')
        .execute();
      return rows.map(decodeApproval);
    },
  };
}

function toPending(row: Selectable<PendingRequestsTable>): PendingRequest {
  return {
    id: row.id,
    request: decodeRequest(row.request),
    decision: decodeDecision(row.decision),
    createdAt: fromMillis(row.created_at),
  };
}
