import type { Command } from 'commander';
import { createSigner, SignetError } from '@signet/sdk';
import { parseCheckpoint, verifyAuditExport, type SignedCheckpoint } from '@signet/sdk/audit';
import type { Context } from '../context.js';
import { keyUri } from '../describe.js';
import { openLocalAudit } from '../embedded-engine.js';
import { assertWritable, readInput, writeOutputs } from '../files.js';
import { readPublicKey } from '../key-material.js';
import type { Result } from '../output.js';
import type { Act } from '../run.js';

interface AuditVerifyOptions {
  log?: string;
  checkpoint?: string;
  publicKey: string;
}

export function registerAudit(program: Command, act: Act): void {
  const audit = program.command('audit').description('check the tamper-evident audit log');
  audit
    .command('verify')
    .description('verify an exported audit log against a signed checkpoint; exit 0 only when intact')
    .option('--log <jsonl>', 'the exported events, one JSON record per line (default with --server: its log)')
    .option(
      '--checkpoint <json>',
      'a checkpoint of the log, signed with its audit key (default with --server: its latest)',
    )
    .requiredOption('--public-key <pem>', "the log's audit public key (PEM or DER)")
    .addHelpText(
      'after',
      `
Checks the checkpoint's signature, then that every event is in its place and names the one
before it, then that the events the checkpoint covers have its Merkle root. A changed, removed,
inserted or reordered event, or a cut log, fails with the number of the first bad event.

Examples:
  $ signet audit verify --log events.jsonl --checkpoint checkpoint.json --public-key audit.pub.pem
  $ signet audit verify --log events.jsonl --checkpoint checkpoint.json --public-key audit.pub.pem --json
  $ signet audit verify --server https://signet.example.com --public-key audit.pub.pem`,
    )
    .action(act(async (ctx, options: AuditVerifyOptions) => verifyAudit(ctx, options)));

  audit
    .command('export')
    .description('write the local audit log ($SIGNET_HOME/audit) as JSON lines')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .option('--force', 'replace an existing --out file')
    .addHelpText(
      'after',
      `
Examples:
  $ signet audit export --out events.jsonl
  $ signet audit export | jq 'select(.type == "signature") | .data.artifact'`,
    )
    .action(act(async (ctx, options: { out?: string; force?: boolean }) => exportAudit(ctx, options)));

  audit
    .command('checkpoint')
    .description('sign a checkpoint of the local audit log with an audit key')
    .requiredOption('-k, --key <uri>', 'the audit key, e.g. soft://audit (keep it for audits only)')
    .option('-o, --out <file>', 'write the checkpoint to a file instead of standard output')
    .option('--force', 'replace an existing --out file')
    .addHelpText(
      'after',
      `
A checkpoint pins the log's size and Merkle root under the audit key's signature. Keep it apart
from the log: anyone holding it and the audit public key can verify an export later.

Examples:
  $ signet keys create audit --type ec-p256
  $ signet audit checkpoint --key soft://audit --out checkpoint.json
  $ signet keys show soft://audit --public-key > audit.pub.pem
  $ signet audit export --out events.jsonl
  $ signet audit verify --log events.jsonl --checkpoint checkpoint.json --public-key audit.pub.pem`,
    )
    .action(act(async (ctx, options: { key: string; out?: string; force?: boolean }) => checkpointAudit(ctx, options)));
}

async function exportAudit(ctx: Context, options: { out?: string; force?: boolean }): Promise<Result> {
  const log = await ctx.audit();
  const lines: string[] = [];
  for await (const line of log.export()) lines.push(line.endsWith('\n') ? line : `${line}\n`);
  const text = lines.join('');
  if (options.out === undefined) {
    return { status: true, text, json: { events: lines.map((l) => JSON.parse(l) as unknown) } };
  }
  const target = { name: options.out, path: ctx.path(options.out) };
  await assertWritable([target], options.force === true);
  await writeOutputs([{ ...target, data: Buffer.from(text) }], options.force === true);
  return {
    status: true,
    text: `Exported ${lines.length} audit events to ${options.out}`,
    json: { file: options.out, events: lines.length },
  };
}

async function checkpointAudit(ctx: Context, options: { key: string; out?: string; force?: boolean }): Promise<Result> {
  const checkpointSigner = await createSigner((await ctx.providers()).registry, keyUri(options.key), {
    signal: ctx.signal,
  });
  const log = await openLocalAudit(ctx.home, { checkpointSigner });
  try {
    const checkpoint = await log.checkpoint();
    const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
    if (options.out !== undefined) {
      const target = { name: options.out, path: ctx.path(options.out) };
      await assertWritable([target], options.force === true);
      await writeOutputs([{ ...target, data: Buffer.from(text) }], options.force === true);
    }
    return {
      status: true,
      json: checkpoint,
      text: options.out === undefined ? text : `Checkpoint of ${checkpoint.treeSize} events written to ${options.out}`,
    };
  } finally {
    await log.close();
  }
}

async function verifyAudit(ctx: Context, options: AuditVerifyOptions): Promise<Result> {
  if ((!options.log || !options.checkpoint) && !ctx.remote) {
    throw new SignetError('INVALID_ARGUMENT', 'Give --log and --checkpoint, or --server to fetch them from a server');
  }
  // The public key always comes from the user: trusting the server's word for its own key would
  // let a tampered server vouch for itself.
  const { spki } = readPublicKey(await readInput(ctx, options.publicKey), options.publicKey);
  const checkpoint = options.checkpoint
    ? await readCheckpoint(ctx, options.checkpoint)
    : parseCheckpoint(await ctx.remote!.auditCheckpoint());
  const events = options.log ? (await readInput(ctx, options.log)).toString('utf8') : await ctx.remote!.auditExport();
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
