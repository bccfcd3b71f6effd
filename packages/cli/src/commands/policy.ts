import type { Command } from 'commander';
import { isSignetError, SignetError } from '@signet/sdk';
import {
  evaluatePolicy,
  explainDecision,
  formatProblem,
  parsePolicy,
  parseScenario,
  requestFingerprint,
  resolveRoles,
  type Policy,
  type PolicyProblem,
} from '@signet/sdk/policy';
import { certificatesFrom, describeCertificate } from '@signet/sdk/x509';
import type { Context } from '../context.js';
import { readInput } from '../files.js';
import type { Result } from '../output.js';
import type { Act } from '../run.js';

interface ExplainOptions {
  policy: string;
  request: string;
  at?: string;
  certificate?: string;
  exitCode?: boolean;
}

export function registerPolicy(program: Command, act: Act): void {
  const policy = program.command('policy').description('check a signing policy and explain its decisions');
  policy
    .command('check')
    .description('validate a policy file (YAML or JSON); exit 7 with every problem when invalid')
    .argument('<file>', 'the policy file')
    .addHelpText(
      'after',
      '\nExamples:\n  $ signet policy check policy.yaml\n  $ signet policy check policy.yaml --json',
    )
    .action(act(async (ctx, file: string) => check(ctx, file)));
  policy
    .command('explain')
    .description('decide a request against a policy, and say why')
    .requiredOption('--policy <file>', 'the policy file')
    .requiredOption(
      '--request <file>',
      'the request: principal, key, algorithm, items, and what-if usage and approvals',
    )
    .option('--at <time>', 'decide at this instant, e.g. 2026-12-02T10:00:00Z (default: the file\'s "at", then now)')
    .option('--certificate <pem>', "the key's certificate (PEM or DER), for certificate rules")
    .option('--exit-code', 'exit 8 when denied and 9 when waiting for approval (text output only)')
    .addHelpText(
      'after',
      `
Prints the verdict first, then the request as the policy sees it, the approvals still missing
and who can give them, and every reason by rule. A refusal is an answer, not an error: the exit
status is 0 unless --exit-code is given. See docs/policy.md for the request file.

Examples:
  $ signet policy explain --policy policy.yaml --request release.yaml
  $ signet policy explain --policy policy.yaml --request release.yaml --at 2026-12-05T10:00:00Z --exit-code
  $ signet policy explain --policy policy.yaml --request release.yaml --json | jq .decision.effect`,
    )
    .action(act(async (ctx, options: ExplainOptions) => explain(ctx, options)));
}

async function readPolicy(ctx: Context, file: string): Promise<Policy> {
  return parsePolicy((await readInput(ctx, file)).toString('utf8'), { source: file });
}

async function check(ctx: Context, file: string): Promise<Result> {
  let policy: Policy;
  try {
    policy = await readPolicy(ctx, file);
  } catch (error) {
    if (!isSignetError(error, 'INVALID_POLICY')) throw error;
    // One problem per line on stdout (like a compiler), then one error line and exit 7.
    const problems = (error.details.problems as PolicyProblem[]).map((p) => formatProblem(file, p));
    if (!ctx.out.json) {
      ctx.out.result({ json: null, text: problems.join('\n') });
      ctx.out.flush();
    }
    const summary = ctx.out.json
      ? problems.join('; ')
      : `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    throw new SignetError('INVALID_POLICY', `${file} is not a valid policy: ${summary}`, {
      cause: error,
      details: error.details,
    });
  }
  const { document } = policy;
  const roles = new Set(document.roles.map((b) => b.role)).size;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return {
    status: true,
    json: {
      file,
      valid: true,
      revision: policy.revision,
      rules: document.rules.length,
      roles,
      keyGroups: Object.keys(document.keyGroups ?? {}).length,
    },
    text: `OK  policy ${file} (revision ${policy.revision}): ${count(document.rules.length, 'rule')}, ${count(roles, 'role')}`,
  };
}

async function explain(ctx: Context, options: ExplainOptions): Promise<Result> {
  if (options.exitCode && ctx.out.json) {
    throw new SignetError('INVALID_ARGUMENT', '--exit-code goes with text output; with --json, read .decision.effect');
  }
  const at = options.at === undefined ? undefined : instant(options.at);
  const policy = await readPolicy(ctx, options.policy);
  const scenario = parseScenario((await readInput(ctx, options.request)).toString('utf8'), { source: options.request });
  const certificate =
    options.certificate === undefined ? scenario.certificate : await certificateFacts(ctx, options.certificate);
  const now = at ?? scenario.at ?? new Date();
  const { request } = scenario;
  const decision = evaluatePolicy(policy, request, { ...scenario.input(now), ...(certificate ? { certificate } : {}) });
  const result: Result = {
    json: {
      policy: options.policy,
      revision: policy.revision,
      at: now,
      request: {
        fingerprint: requestFingerprint(request),
        principal: request.principal,
        key: request.key,
        algorithm: request.algorithm,
        items: request.items.length,
      },
      roles: resolveRoles(policy, request.principal, request.key),
      decision,
    },
    text: explainDecision(decision, request, policy),
  };
  if (!options.exitCode || decision.effect === 'allow') return result;
  ctx.out.result(result);
  ctx.out.flush();
  throw decision.effect === 'deny'
    ? new SignetError('POLICY_DENIED', `denied by policy ${policy.revision}`)
    : new SignetError('APPROVAL_REQUIRED', `waiting for approval (rule ${decision.rule})`);
}

function instant(text: string): Date {
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
    Number.isNaN(Date.parse(text))
  ) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `--at wants a date-time with a zone, like 2026-12-02T10:00:00Z; got "${text}"`,
    );
  }
  return new Date(text);
}

async function certificateFacts(ctx: Context, file: string) {
  const [leaf] = certificatesFrom(await readInput(ctx, file));
  if (!leaf) throw new SignetError('INVALID_CERTIFICATE', `${file} holds no certificate`);
  const { subject, issuer, notBefore, notAfter, extendedKeyUsage } = describeCertificate(leaf);
  return { subject, issuer, notBefore, notAfter, extendedKeyUsage };
}
