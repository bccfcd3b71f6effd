import type { Command } from 'commander';
import { SignetError } from '@signet/sdk';
import type { RemoteClient } from '@signet/sdk/remote';
import type { Context } from '../context.js';
import { table, type Result } from '../output.js';
import type { Act } from '../run.js';

interface PendingView {
  id: string;
  requester: string;
  key: string;
  items: { digest: string; artifact?: { name?: string } }[];
  decision: { missing?: { role: string; remaining: number }[] };
}

/** Approvals live on the server: they outlast the request that waits for them. */
export function serverOf(ctx: Context): RemoteClient {
  if (!ctx.remote)
    throw new SignetError(
      'INVALID_ARGUMENT',
      'This needs a server: pass --server URL or set SIGNET_SERVER (and SIGNET_TOKEN)',
    );
  return ctx.remote;
}

export function registerApprovals(program: Command, act: Act): void {
  const approvals = program
    .command('approvals')
    .description('list, approve and deny requests waiting for approval (server)');
  approvals
    .command('list')
    .description('requests waiting for approval, with what they would sign')
    .addHelpText('after', '\nExamples:\n  $ signet approvals list --server https://signet.example.com')
    .action(
      act(async (ctx) => {
        const pending = (await serverOf(ctx).pendingApprovals()) as PendingView[];
        const rows = pending.map((p) => [
          p.id.slice(0, 16),
          p.requester,
          p.key,
          p.items.map((i) => i.artifact?.name ?? i.digest.slice(0, 16)).join(', '),
          (p.decision.missing ?? []).map((m) => `${m.remaining} × ${m.role}`).join(', '),
        ]);
        const text = rows.length
          ? table([['REQUEST', 'REQUESTER', 'KEY', 'ARTIFACTS', 'WAITING FOR'], ...rows])
          : 'No request is waiting for approval.';
        return { json: { pending }, text };
      }),
    );
  for (const verdict of ['approve', 'deny'] as const) {
    approvals
      .command(verdict)
      .description(`${verdict} one pending request (bound to its exact digests)`)
      .argument('<request-id>', 'the full request id from "signet approvals list --json"')
      .option('-m, --comment <text>', 'why, for the audit log')
      .action(
        act(async (ctx, id: string, options: { comment?: string }): Promise<Result> => {
          const decision = await serverOf(ctx).approve(id, verdict, options.comment);
          return {
            json: { requestId: id, decision },
            text: `${verdict === 'approve' ? 'Approved' : 'Denied'} ${id.slice(0, 16)}: now ${decision.effect}`,
          };
        }),
      );
  }
}
