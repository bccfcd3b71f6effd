import { isSignetError, SignetError } from '../errors/errors.js';
import { randomUUID } from 'node:crypto';
import { principalId } from '../policy/decision.js';
import type { CallOptions } from '../provider/provider.js';
import type { SigningEngine } from './engine.js';
import type { SigningRequest } from './request.js';
import type { SigningResult } from './result.js';

export type JobState = 'queued' | 'awaiting-approval' | 'running' | 'done' | 'failed' | 'cancelled';

/** Where a job stands; `error` is set when it failed or was cancelled. */
export interface JobStatus {
  readonly id: string;
  readonly state: JobState;
  /** Who submitted it (`principalId`): only they, and admins, may see or cancel it. */
  readonly requester: string;
  /** The request's fingerprint: the id approvers act on. */
  readonly requestId?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Asynchronous signing: submit now, collect the signatures later (after approvals, if needed). */
export interface SigningJobs {
  submit(request: SigningRequest): Promise<JobStatus>;
  status(id: string): Promise<JobStatus>;
  /** Waits until the job ends; resolves with its result or rejects with its error. */
  result(id: string, options?: CallOptions): Promise<SigningResult>;
  /** Cancels a job that has not started signing. @throws SignetError `CANCELLED` never; `INVALID_ARGUMENT` when it already runs or ended */
  cancel(id: string): Promise<JobStatus>;
}

interface Job {
  status: JobStatus;
  readonly request: SigningRequest;
  result?: SigningResult;
  error?: unknown;
  readonly done: Promise<void>;
  finish(): void;
}

/**
 * Jobs in memory, run by the same engine as synchronous requests. A job whose request needs
 * approval waits and resumes when an approval settles it. The server's durable queue implements
 * the same {@link SigningJobs} interface on its database.
 */
export function createMemoryJobQueue(engine: SigningEngine, options: { concurrency?: number } = {}): SigningJobs {
  const jobs = new Map<string, Job>();
  const queue: Job[] = [];
  const concurrency = options.concurrency ?? 4;
  let running = 0;

  const update = (job: Job, patch: Partial<JobStatus>) =>
    (job.status = { ...job.status, ...patch, updatedAt: new Date() });

  function pump(): void {
    while (running < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      if (job.status.state !== 'queued') continue;
      running++;
      update(job, { state: 'running' });
      engine
        .sign(job.request)
        .then(
          (result) => {
            job.result = result;
            update(job, { state: 'done', requestId: result.requestId });
            job.finish();
          },
          (error: unknown) => {
            if (isSignetError(error, 'APPROVAL_REQUIRED')) {
              update(job, { state: 'awaiting-approval', requestId: String(error.details.requestId) });
              return;
            }
            job.error = error;
            const code = isSignetError(error) ? error.code : 'INTERNAL';
            update(job, { state: 'failed', error: { code, message: (error as Error).message } });
            job.finish();
          },
        )
        .finally(() => {
          running--;
          pump();
        });
    }
  }

  engine.onApproval((requestId, decision) => {
    for (const job of jobs.values()) {
      if (job.status.state !== 'awaiting-approval' || job.status.requestId !== requestId) continue;
      if (decision.effect === 'pending') continue;
      update(job, { state: 'queued' }); // allow → signs; deny → the engine refuses with the reasons
      queue.push(job);
    }
    pump();
  });

  function get(id: string): Job {
    const job = jobs.get(id);
    if (!job) throw new SignetError('NOT_FOUND', `No job ${id}`, { details: { job: id } });
    return job;
  }

  return {
    async submit(request) {
      let finish!: () => void;
      const done = new Promise<void>((resolve) => (finish = resolve));
      const now = new Date();
      const job: Job = {
        status: {
          id: randomUUID(),
          state: 'queued',
          requester: principalId(request.principal),
          createdAt: now,
          updatedAt: now,
        },
        request,
        done,
        finish,
      };
      jobs.set(job.status.id, job);
      queue.push(job);
      pump();
      return job.status;
    },
    async status(id) {
      return get(id).status;
    },
    async result(id, callOptions = {}) {
      const job = get(id);
      const aborted = new Promise<never>((_, reject) => {
        callOptions.signal?.addEventListener(
          'abort',
          () => reject(new SignetError('ABORTED', 'Stopped waiting for the job')),
          { once: true },
        );
      });
      await Promise.race([job.done, aborted]);
      if (job.result) return job.result;
      throw job.error;
    },
    async cancel(id) {
      const job = get(id);
      if (job.status.state !== 'queued' && job.status.state !== 'awaiting-approval') {
        throw new SignetError('INVALID_ARGUMENT', `Job ${id} is ${job.status.state} and cannot be cancelled`, {
          details: { job: id },
        });
      }
      job.error = new SignetError('CANCELLED', `Job ${id} was cancelled`, { details: { job: id } });
      update(job, { state: 'cancelled', error: { code: 'CANCELLED', message: 'cancelled' } });
      job.finish();
      return job.status;
    },
  };
}
