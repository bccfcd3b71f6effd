import type { Selectable } from 'kysely';
import type { Database } from '../store/database.js';
import { writeTransaction } from '../store/audit/write-transaction.js';
import type { JobsTable } from './tables.js';

export type JobRow = Selectable<JobsTable>;

/**
 * Claims up to `limit` jobs for `owner` until `now + leaseMs`: queued jobs that are due, and
 * running jobs whose lease expired (their worker died). Each claim counts an attempt, which also
 * serves as the fencing token: a completion names the attempt it belongs to, so a worker that
 * lost its lease cannot complete a job another worker now holds.
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED`, so replicas claim disjoint jobs without waiting on each
 * other. SQLite: the write transaction already excludes other writers.
 */
export async function claimJobs(database: Database, owner: string, limit: number, leaseMs: number): Promise<JobRow[]> {
  if (limit <= 0) return [];
  return writeTransaction(database, async (trx) => {
    const now = Date.now();
    let candidates = trx
      .selectFrom('jobs')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]),
          eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)]),
        ]),
      )
      .orderBy('created_at')
      .limit(limit);
    if (database.dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
    const ids = (await candidates.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    return trx
      .updateTable('jobs')
      .set((eb) => ({
        state: 'running',
        lease_owner: owner,
        lease_until: now + leaseMs,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', 'in', ids)
      .returningAll()
      .execute();
  });
}

/**
 * Renews `owner`'s claim on `job` until `now + leaseMs`, fenced like every completion: only while
 * the job is still running under this owner and attempt. Resolves false when the claim is gone
 * (taken over after the lease ran out, cancelled, or already settled).
 */
export async function extendLease(
  database: Database,
  job: Pick<JobRow, 'id' | 'attempts'>,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const now = Date.now();
  const extended = await database.db
    .updateTable('jobs')
    .set({ lease_until: now + leaseMs })
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('lease_owner', '=', owner)
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return Number(extended.numUpdatedRows) === 1;
}
