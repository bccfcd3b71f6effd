import { describe } from 'vitest';
import { createDbApprovalStore, createDbIdempotencyStore, createDbUsageStore } from '../../../src/store/core/index.js';
import type { Database } from '../../../src/store/database.js';
import { DIALECTS, freshDatabase } from '../../helpers/databases.js';
import { approvalStoreContract } from './approval-contract.js';
import { idempotencyStoreContract } from './idempotency-contract.js';
import { usageStoreContract } from './usage-contract.js';

/** Empties the tables named, so each contract test starts from an empty store. */
async function emptied(database: Database, ...tables: ('usage' | 'pending_requests' | 'approvals' | 'idempotency')[]) {
  for (const table of tables) await database.db.deleteFrom(table).execute();
}

describe.each(DIALECTS)('the database stores on %s', async (dialect) => {
  const database = await freshDatabase(dialect);

  describe('UsageStore', () =>
    usageStoreContract(async () => {
      await emptied(database, 'usage');
      return createDbUsageStore(database);
    }));

  describe('ApprovalStore', () =>
    approvalStoreContract(async () => {
      await emptied(database, 'pending_requests', 'approvals');
      return createDbApprovalStore(database);
    }));

  describe('IdempotencyStore', () =>
    idempotencyStoreContract(async () => {
      await emptied(database, 'idempotency');
      return createDbIdempotencyStore(database, { pollIntervalMs: 10 });
    }));
});
