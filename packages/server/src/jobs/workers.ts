import { isSignetError, SignetError } from '@signet/sdk';
import type { SigningEngine } from '@signet/sdk/signing';
import type { Database } from '../store/database.js';
import { decodeRequest, encodeResult } from '../store/core/codec.js';
import type { JobRow } from './claim.js';
import { runAsJob, type JobContext } from './job-audit-sink.js';
import { startLeaseHeartbeat } from './lease-heartbeat.js';

interface WorkersOptions {
  database: Database;
  engine: SigningEngine;
  workerId: string;
  claim(limit: number, leaseMs: number): Promise<JobRow[]>;
  concurrency?: number;
  pollIntervalMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  backoff?: (attempt: number) => number;
  approvalPollMs?: number;
}

const defaultBackoff = (attempt: number) => Math.min(60_000, 500 * 2 ** (attempt - 1)) * (0.5 + Math.random());

/** This process's workers: claim due jobs, run them through the engine, record the outcome. */
export function createWorkers(options: WorkersOptions) {
  const { database, engine, workerId } = options;
  const concurrency = options.concurrency ?? 4;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoff ?? defaultBackoff;
  const running = new Set<Promise<void>>();
  const listeners = new Set<() => void>();
  let timers: NodeJS.Timeout[] = [];
  let started = false;
  let unsubscribe: (() => void) | undefined;
  let polling = false;

  const changed = () => listeners.forEach((l) => l());

  async function poll(): Promise<void> {
    if (!started || polling) return;
    polling = true;
    try {
      for (const job of await options.claim(concurrency - running.size, leaseMs)) {
        const run = runJob(job).finally(() => {
          running.delete(run);
          changed();
          void poll();
        });
        running.add(run);
      }
    } catch {
      // The database is unreachable for now: the next tick tries again.
    } finally {
      polling = false;
    }
  }

  async function runJob(job: JobRow): Promise<void> {
    const context: JobContext = { id: job.id, owner: workerId, attempt: job.attempts, completed: false };
    // No idempotency key for the engine: the claim fences the job's completion (job-audit-sink.ts),
    // and a key per job would outlive a crashed attempt as an `in-progress` row that the next
    // attempt waits on until it goes stale (minutes). The client's key was used at submission.
    const request = { ...decodeRequest(job.request), idempotencyKey: undefined };
    // Only a change while this claim still holds is written: a late worker changes nothing.
    const settle = (patch: Record<string, unknown>) =>
      database.db
        .updateTable('jobs')
        .set({ ...patch, lease_owner: null, lease_until: null, updated_at: Date.now() })
        .where('id', '=', job.id)
        .where('state', '=', 'running')
        .where('lease_owner', '=', workerId)
        .where('attempts', '=', job.attempts)
        .execute();
    const heartbeat = startLeaseHeartbeat(database, job, workerId, leaseMs);
    try {
      const result = await runAsJob(context, () => engine.sign(request, { signal: heartbeat.signal })).finally(
        heartbeat.stop,
      );
      if (context.completed) {
        await database.db
          .updateTable('jobs')
          .set({ result: encodeResult(result) })
          .where('id', '=', job.id)
          .execute();
      } else {
        // Signed without completing through the sink (no signature record in this job's context):
        // the engine never does that for an allowed request, but record the outcome, fenced, if so.
        await settle({ state: 'done', result: encodeResult(result) });
      }
    } catch (error) {
      if (context.completed) return; // signed and audited; only the bookkeeping after it failed
      if (isSignetError(error, 'APPROVAL_REQUIRED')) await settle({ state: 'awaiting-approval' });
      else if (isSignetError(error) && error.retryable && job.attempts < maxAttempts) {
        await settle({ state: 'queued', run_after: Date.now() + backoff(job.attempts) });
      } else {
        const code = isSignetError(error) ? error.code : 'INTERNAL';
        await settle({ state: 'failed', error: JSON.stringify({ code, message: (error as Error).message }) });
      }
    }
  }

  /** Re-queues awaiting jobs whose request the policy no longer holds pending (approved anywhere). */
  async function recheckApprovals(): Promise<void> {
    const waiting = await database.db.selectFrom('jobs').selectAll().where('state', '=', 'awaiting-approval').execute();
    for (const job of waiting) {
      const decision = await engine.decide(decodeRequest(job.request)).catch(() => undefined);
      if (!decision || decision.effect === 'pending') continue;
      await database.db
        .updateTable('jobs')
        .set({ state: 'queued', run_after: Date.now(), updated_at: Date.now() })
        .where('id', '=', job.id)
        .where('state', '=', 'awaiting-approval')
        .execute();
    }
    if (waiting.length > 0) void poll();
  }

  return {
    start() {
      if (started) return;
      started = true;
      timers = [
        setInterval(() => void poll(), options.pollIntervalMs ?? 1000),
        setInterval(() => void recheckApprovals().catch(() => undefined), options.approvalPollMs ?? 2000),
      ];
      unsubscribe = engine.onApproval(() => void recheckApprovals().catch(() => undefined));
      void poll();
    },
    async stop() {
      started = false;
      timers.forEach(clearInterval);
      unsubscribe?.();
      await Promise.allSettled([...running]);
    },
    wake: () => void poll(),
    /** Resolves after `ms`, or sooner when a job of this process changes. */
    waitForChange(ms: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(new SignetError('ABORTED', 'Stopped waiting for the job'));
      return new Promise((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(done);
          signal?.removeEventListener('abort', abort);
        };
        const done = () => (cleanup(), resolve());
        const abort = () => (cleanup(), reject(new SignetError('ABORTED', 'Stopped waiting for the job')));
        const timer = setTimeout(done, ms);
        listeners.add(done);
        signal?.addEventListener('abort', abort, { once: true });
      });
    },
  };
}
