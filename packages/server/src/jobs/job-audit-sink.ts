import { AsyncLocalStorage } from 'node:async_hooks';
import { SignetError } from '@signet/sdk';
import type { AuditSink, EngineAuditEvent } from '@signet/sdk/signing';
import type { Database } from '../store/database.js';
import type { DbAuditLog } from '../store/audit/db-audit-log-types.js';
import { writeTransaction } from '../store/audit/write-transaction.js';

/*
 * EXACTLY ONCE. A job is signed and audited once, across crashes and replicas, because the audit
 * records of its signatures and the job's move to `done` commit in ONE transaction, guarded by
 * the claim that the worker holds:
 *
 * - The engine appends the decision and signature events in one call, after the provider signed
 *   and before it returns anything. The queue's engine gets this sink; inside a job it runs one
 *   write transaction that (1) moves the job from `running` to `done` only if this worker's claim
 *   (owner + attempt) still holds, (2) appends the events with the log's lock and (3) commits.
 * - If (1) matches no row, another worker reclaimed the job (our lease expired) or it was
 *   cancelled: the transaction throws, nothing is appended, the engine discards the signature.
 * - If the process dies before the commit, nothing is recorded and the job stays `running`; its
 *   lease expires and another worker signs again. That first signature was never returned nor
 *   audited, so the log still holds exactly one signature per job.
 * - After the commit the job is `done` and no worker claims it again, so it is never re-signed.
 *   The engine's later bookkeeping (usage, approvals, idempotency) and the full result (with the
 *   certificate chain) follow outside the transaction; until then the row holds the result built
 *   from the committed events. Holding the transaction open across that bookkeeping would block
 *   SQLite's one connection (deadlock when those stores share it) and PostgreSQL's audit lock.
 */

/** What the sink needs to know about the job the current async context is running. */
export interface JobContext {
  readonly id: string;
  readonly owner: string;
  readonly attempt: number;
  /** Set once the completion committed. */
  completed: boolean;
}

const current = new AsyncLocalStorage<JobContext>();

/** Runs `work` (the engine's `sign`) as job `job`, so its audit append completes the job. */
export function runAsJob<T>(job: JobContext, work: () => Promise<T>): Promise<T> {
  return current.run(job, work);
}

/** An {@link AuditSink} that completes the running job atomically with its signature records. */
export function createJobAuditSink(database: Database, audit: DbAuditLog): AuditSink {
  return {
    append(events) {
      const job = current.getStore();
      if (!job || !events.some((e) => e.type === 'signature')) return audit.append(events);
      return writeTransaction(database, async (trx) => {
        const now = Date.now();
        const claimed = await trx
          .updateTable('jobs')
          .set({ state: 'done', lease_owner: null, lease_until: null, updated_at: now })
          .where('id', '=', job.id)
          .where('state', '=', 'running')
          .where('lease_owner', '=', job.owner)
          .where('attempts', '=', job.attempt)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) {
          throw new SignetError('CANCELLED', `Job ${job.id} is no longer held by this worker; signature discarded`, {
            details: { job: job.id },
          });
        }
        const records = await audit.appendInTransaction(trx, events);
        await trx
          .updateTable('jobs')
          .set({ result: provisionalResult(events, records) })
          .where('id', '=', job.id)
          .execute();
        job.completed = true;
        return records;
      });
    },
  };
}

/** The result as the committed events tell it (no certificate chain: the events do not carry it). */
function provisionalResult(events: EngineAuditEvent[], records: ReadonlyArray<{ index: number }>): string {
  const decision = events.find((e) => e.type === 'decision')?.data ?? {};
  const signed = events.map((e, i) => ({ e, index: records[i]!.index })).filter(({ e }) => e.type === 'signature');
  const first = signed[0]!.e.data;
  return JSON.stringify({
    requestId: first.requestId,
    key: first.key,
    algorithm: first.algorithm,
    signatures: signed.map(({ e, index }) => ({
      digest: e.data.digest,
      signature: e.data.signature,
      auditIndex: index,
    })),
    certificates: [],
    rule: first.rule,
    policyVersion: decision.policyVersion,
  });
}
