import type { Command } from 'commander';
import { SignetError } from '@signet/sdk';
import { parseCheckpoint, verifyAuditExport, type SignedCheckpoint } from '@signet/sdk/audit';
import type { Context } from '../context.js';
import { readInput } from '../files.js';
import { readPublicKey } from '../key-material.js';
import type { Result } from '../output.js';
import type { Act } from '../run.js';

interface AuditVerifyOptions {
  log: string;
  checkpoint: string;
  publicKey: string;
}

export function registerAudit(program: Command, act: Act): void {
  const audit = program.command('audit').description('check the tamper-evident audit log');
  audit
    .command('verify')
    .description('verify an exported audit log against a signed checkpoint; exit 0 only when intact')
    .requiredOption('--log <jsonl>', 'the exported events, one JSON record per line')
    .requiredOption('--checkpoint <json>', 'a checkpoint of the log, signed with its audit key')
    .requiredOption('--public-key <pem>', "the log's audit public key (PEM or DER)")
    .addHelpText(
      'after',
      `
Checks the checkpoint's signature, then that every event is in its place and names the one
before it, then that the events the checkpoint covers have its Merkle root. A changed, removed,
inserted or reordered event, or a cut log, fails with the number of the first bad event.

Examples:
  $ signet audit verify --log events.jsonl --checkpoint checkpoint.json --public-key audit.pub.pem
  $ signet audit verify --log events.jsonl --checkpoint checkpoint.json --public-key audit.pub.pem --json`,
    )
    .action(act(async (ctx, options: AuditVerifyOptions) => verifyAudit(ctx, options)));
}

async function verifyAudit(ctx: Context, options: AuditVerifyOptions): Promise<Result> {
  const checkpoint = await readCheckpoint(ctx, options.checkpoint);
  const { spki } = readPublicKey(await readInput(ctx, options.publicKey), options.publicKey);
  const events = (await readInput(ctx, options.log)).toString('utf8');
  const result = verifyAuditExport({ events, checkpoint, publicKey: spki });
  if (!result.ok) {
    throw new SignetError('VERIFICATION_FAILED', `audit log ${result.message}`, {
      details: { problem: result.problem, firstBadIndex: result.firstBadIndex },
    });
  }
  const uncovered = result.events - result.treeSize;
  const later = uncovered > 0 ? `; ${uncovered} later events chain on, but no checkpoint covers them yet` : '';
  return {
    status: true,
    json: {
      log: options.log,
      checkpoint: options.checkpoint,
      valid: true,
      origin: checkpoint.origin,
      treeSize: result.treeSize,
      rootHash: result.rootHash,
      events: result.events,
      time: checkpoint.time,
    },
    text: `OK  audit log verified: ${result.treeSize} events, root ${result.rootHash}${later}`,
  };
}

async function readCheckpoint(ctx: Context, name: string): Promise<SignedCheckpoint> {
  const text = (await readInput(ctx, name)).toString('utf8');
  try {
    return parseCheckpoint(JSON.parse(text));
  } catch (cause) {
    const why =
      cause instanceof SyntaxError ? 'is not JSON' : `is not an audit checkpoint (${(cause as Error).message})`;
    throw new SignetError('INVALID_FORMAT', `${name} ${why}`, { cause, details: { path: name } });
  }
}
