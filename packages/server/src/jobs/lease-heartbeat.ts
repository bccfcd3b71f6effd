import type { Database } from '../store/database.js';
import { extendLease, type JobRow } from './claim.js';

/** A running job's lease renewal; `signal` aborts once the claim is known to be lost. */
export interface LeaseHeartbeat {
  readonly signal: AbortSignal;
  stop(): void;
}

/**
 * Renews the lease on `job` every third of `leaseMs` while it runs, so a slow provider (an HSM, a
 * cloud KMS under throttling) keeps its claim: only a dead worker's jobs are taken over. When a
 * renewal finds the claim gone, `signal` aborts, so the worker stops signing a job another worker
 * now holds (its completion would be refused by the fence anyway). A renewal that fails (database
 * unreachable) is retried on the next beat; the lease still runs out if they all fail.
 */
export function startLeaseHeartbeat(database: Database, job: JobRow, owner: string, leaseMs: number): LeaseHeartbeat {
  const controller = new AbortController();
  let beating = false;
  let stopped = false;
  const timer = setInterval(
    () => {
      if (beating) return;
      beating = true;
      extendLease(database, job, owner, leaseMs)
        .then((held) => held || stopped || controller.abort(new Error(`Lease on job ${job.id} lost`)))
        .catch(() => undefined)
        .finally(() => (beating = false));
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  timer.unref(); // the job itself keeps the process alive, not its heartbeat
  return {
    signal: controller.signal,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
