import { randomUUID } from 'node:crypto';
import { SignetError } from '@signet/sdk';
import { principalId } from '@signet/sdk/policy';
import {
  createSigningEngine,
  requestFingerprint,
  validateRequest,
  type JobStatus,
  type SigningEngineOptions,
  type SigningJobs,
} from '@signet/sdk/signing';
import type { Database } from '../store/database.js';
import type { DbAuditLog } from '../store/audit/db-audit-log-types.js';
import { decodeRequest, decodeResult, encodeRequest, fromMillis } from '../store/core/codec.js';
import { claimJobs, type JobRow } from './claim.js';
import { createJobAuditSink } from './job-audit-sink.js';
import { createWorkers } from './workers.js';

export interface DbJobQueueOptions {
  database: Database;
  /** The server's audit log: the queue's engine appends through it, in the job's transaction. */
  audit: DbAuditLog;
  /** Everything the engine needs but its audit sink, which the queue provides (see job-audit-sink.ts). */
  engineOptions: Omit<SigningEngineOptions, 'audit'>;
  /** This process's name in leases, unique among replicas, e.g. `host-pid`. */
  workerId: string;
  /** Jobs run at once by this process. Default 4. */
  concurrency?: number;
  /** ms between polls for due jobs, and between `result()` checks. Default 1000. */
  pollIntervalMs?: number;
  /** ms a claim lasts; a job still running after that is taken over (its worker died). Default 60000. */
  leaseMs?: number;
  /** Attempts before a retryable error fails the job. Default 5. */
  maxAttempts?: number;
  /** ms to wait before attempt `attempt + 1`. Default: 500 × 2^(attempt-1), capped at 60 s, ±50% jitter. */
  backoff?: (attempt: number) => number;
  /** ms between re-checks of jobs awaiting approval (approvals given via any replica). Default 2000. */
  approvalPollMs?: number;
}

/** {@link SigningJobs} on the database, plus its workers' lifecycle. */
export interface DbJobQueue extends SigningJobs {
  /** Starts this process's workers (polling, approval re-checks). */
  start(): void;
  /** Stops claiming and waits for the jobs this process is running. */
  stop(): Promise<void>;
}

/**
 * Durable jobs: accepted jobs survive restarts, run on any replica, and are signed and audited
 * exactly once (the argument is in job-audit-sink.ts).
 *
 * @example
 * ```ts
 * const jobs = createDbJobQueue({ database, audit, engineOptions, workerId: `${hostname()}-${process.pid}` });
 * jobs.start();
 * const { id } = await jobs.submit(request);
 * const result = await jobs.result(id);
 * ```
 */
export function createDbJobQueue(options: DbJobQueueOptions): DbJobQueue {
  const { database } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const engine = createSigningEngine({ ...options.engineOptions, audit: createJobAuditSink(database, options.audit) });
  const workers = createWorkers({
    ...options,
    engine,
    claim: (n, leaseMs) => claimJobs(database, options.workerId, n, leaseMs),
  });

  async function row(id: string): Promise<JobRow> {
    const found = await database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!found) throw new SignetError('NOT_FOUND', `No job ${id}`, { details: { job: id } });
    return found;
  }

  /**
   * The job an earlier submission with the same idempotency key made (a client that lost the
   * answer, e.g. to a replica that died, submits again): the same job, whatever state it is in.
   */
  async function sameSubmission(job: { idempotency_key: string | null; request_id: string }): Promise<JobRow> {
    const key = job.idempotency_key!;
    const earlier = await database.db
      .selectFrom('jobs')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    if (earlier.request_id !== job.request_id) {
      throw new SignetError('IDEMPOTENCY_CONFLICT', `Idempotency key "${key}" was used for a different request`, {
        details: { idempotencyKey: key },
      });
    }
    return earlier;
  }

  return {
    async submit(request) {
      validateRequest(request);
      const now = Date.now();
      const id = randomUUID();
      const job = {
        id,
        state: 'queued' as const,
        request: encodeRequest(request),
        request_id: requestFingerprint(request),
        idempotency_key: request.idempotencyKey ?? null,
      };
      const inserted = await database.db
        .insertInto('jobs')
        .values({ ...job, attempts: 0, run_after: now, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows) === 0) return statusOf(await sameSubmission(job));
      workers.wake();
      return statusOf(await row(id));
    },
    status: async (id) => statusOf(await row(id)),
    async result(id, callOptions = {}) {
      for (;;) {
        const job = await row(id);
        if (job.state === 'done') return decodeResult(job.result!);
        if (job.state === 'failed' || job.state === 'cancelled') {
          const error = JSON.parse(job.error!) as { code: SignetError['code']; message: string };
          throw new SignetError(error.code, error.message, { details: { job: id } });
        }
        await workers.waitForChange(pollIntervalMs, callOptions.signal);
      }
    },
    async cancel(id) {
      const now = Date.now();
      const error = JSON.stringify({ code: 'CANCELLED', message: `Job ${id} was cancelled` });
      const cancelled = await database.db
        .updateTable('jobs')
        .set({ state: 'cancelled', error, lease_owner: null, lease_until: null, updated_at: now })
        .where('id', '=', id)
        .where('state', 'in', ['queued', 'awaiting-approval'])
        .returningAll()
        .executeTakeFirst();
      if (cancelled) return statusOf(cancelled);
      const job = await row(id);
      throw new SignetError('INVALID_ARGUMENT', `Job ${id} is ${job.state} and cannot be cancelled`, {
        details: { job: id },
      });
    },
    start: () => workers.start(),
    stop: () => workers.stop(),
  };
}

export function statusOf(job: JobRow): JobStatus {
  const error = job.error ? (JSON.parse(job.error) as { code: string; message: string }) : undefined;
  return {
    id: job.id,
    state: job.state,
    requester: principalId(decodeRequest(job.request).principal),
    requestId: job.request_id,
    createdAt: fromMillis(job.created_at),
    updatedAt: fromMillis(job.updated_at),
    ...(error ? { error } : {}),
  };
}
