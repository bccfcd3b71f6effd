import type { JobState } from '@signet/sdk/signing';
import type { Millis } from '../store/core/tables.js';

/** Durable signing jobs: the queue, its leases, and each job's outcome. */
export interface JobsTable {
  /** Random UUID. */
  id: string;
  /** The submitter's idempotency key, unique: submitting again with it returns this job. */
  idempotency_key: string | null;
  state: JobState;
  /** `SigningRequest` as JSON (`encodeRequest`: digests hex). */
  request: string;
  /** `requestFingerprint(request)`: what approvers act on. */
  request_id: string;
  /** Claims so far (a claim after a crash counts too). */
  attempts: number;
  /** Not claimed before this time (retry backoff). */
  run_after: Millis;
  /** Worker holding the job while `running`; the lease fences late completions. */
  lease_owner: string | null;
  lease_until: Millis | null;
  /** `SigningResult` as JSON (`encodeResult`) once `done`. */
  result: string | null;
  /** `{ code, message }` as JSON once `failed` or `cancelled`. */
  error: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** Tables owned by the jobs module. */
export interface JobTables {
  jobs: JobsTable;
}
