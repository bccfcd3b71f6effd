import type { Command } from 'commander';
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
    .description('wait for a job and print its signatures')
    .action(
      act(async (ctx, id: string, options: { timeout: string }) => {
        const result = await serverOf(ctx).jobResult(id, Number(options.timeout));
        if (!result) return { status: true, json: { id, done: false }, text: `${id} is not finished yet` };
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
