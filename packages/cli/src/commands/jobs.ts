import type { Command } from 'commander';
import { SignetError } from '@signet/sdk';
import type { RemoteClient } from '@signet/sdk/remote';
import type { SigningResult } from '@signet/sdk/signing';
import type { Act } from '../run.js';
import { serverOf } from './approvals.js';

export function registerJobs(program: Command, act: Act): void {
  const jobs = program.command('jobs').description('asynchronous signing jobs on the server');
  jobs
    .command('status')
    .argument('<id>', 'job id')
    .description('where a job stands')
    .action(
      act(async (ctx, id: string) => {
        const job = await serverOf(ctx).job(id);
        return {
          json: job,
          text: `${job.id}  ${job.state}${job.error ? `  ${job.error.code}: ${job.error.message}` : ''}`,
        };
      }),
    );
  jobs
    .command('wait')
    .argument('<id>', 'job id')
    .option('--timeout <seconds>', 'give up after this long', '60')
    .description('wait for a job and print its signatures; exit 9 while it waits for approval')
    .action(
      act(async (ctx, id: string, options: { timeout: string }) => {
        const result = await waitForJob(serverOf(ctx), id, seconds(options.timeout));
        return { json: result, text: result.signatures.map((s) => `${s.digest}  audit #${s.auditIndex}`).join('\n') };
      }),
    );
  jobs
    .command('cancel')
    .argument('<id>', 'job id')
    .description('cancel a job that has not started signing')
    .action(
      act(async (ctx, id: string) => {
        const job = await serverOf(ctx).cancelJob(id);
        return { json: job, text: `${job.id}  ${job.state}` };
      }),
    );
}

function seconds(text: string): number {
  if (!/^\d{1,6}$/.test(text.trim()))
    throw new SignetError('INVALID_ARGUMENT', `--timeout wants whole seconds, like 60; got "${text}"`);
  return Number(text);
}

/**
 * The job's result, polling the server (which holds each poll up to 60 s) until `timeout` seconds
 * have passed. A job that has not finished is a failure, never a success a script would go on
 * from: `APPROVAL_REQUIRED` (exit 9) while it waits for approvals, `UNAVAILABLE` (exit 6) while
 * it is queued or running.
 */
async function waitForJob(server: RemoteClient, id: string, timeout: number): Promise<SigningResult> {
  const deadline = Date.now() + timeout * 1000;
  for (;;) {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    const result = await server.jobResult(id, Math.min(60, left));
    if (result) return result;
    if (Date.now() >= deadline) break;
  }
  const job = await server.job(id);
  const details = { job: id, state: job.state, ...(job.requestId ? { requestId: job.requestId } : {}) };
  if (job.state === 'awaiting-approval')
    throw new SignetError(
      'APPROVAL_REQUIRED',
      `Job ${id} is waiting for approval after ${timeout} s; approvers act on request ${job.requestId}`,
      { details },
    );
  throw new SignetError('UNAVAILABLE', `Job ${id} is still ${job.state} after ${timeout} s; wait again later`, {
    details,
  });
}
