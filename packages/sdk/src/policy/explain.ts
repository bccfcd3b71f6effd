import { requestFingerprint, type SigningRequest } from '../signing/request.js';
import type { Policy } from './compile.js';
import type { Decision, MissingApproval, Reason } from './decision.js';
import { resolveRoles } from './lookups.js';
import { keyMatcher } from './roles.js';
import type { RoleMember } from './schema.js';

/** Rows as aligned columns, indented. */
function columns(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

function verdict(decision: Decision): string {
  const policy = `(policy ${decision.policyVersion})`;
  if (decision.effect === 'allow') return `ALLOW    by rule ${decision.rule} ${policy}`;
  if (decision.effect === 'pending') {
    const more = decision.missing.reduce((sum, m) => sum + m.remaining, 0);
    return `PENDING  rule ${decision.rule} needs ${more} more approval${more === 1 ? '' : 's'} ${policy}`;
  }
  const explicit = decision.reasons.find((r) => r.code === 'EXPLICIT_DENY' || r.code === 'APPROVAL_DENIED');
  return `DENY     ${explicit ? explicit.message : 'no rule allows this request'} ${policy}`;
}

function requestRows(request: SigningRequest, policy: Policy | undefined): string[][] {
  const { principal, metadata } = request;
  const rows = [['requester', `${principal.kind} ${principal.subject} (issuer ${principal.issuer})`]];
  if (principal.groups?.length) rows.push(['groups', principal.groups.join(', ')]);
  if (policy) rows.push(['roles', resolveRoles(policy, principal, request.key).join(', ') || '(none on this key)']);
  const ci = principal.ci;
  if (ci) {
    // The claim issuer is news only when it differs from the token's issuer shown above.
    const claims = Object.entries(ci).filter(
      ([name, value]) => name !== 'sha' && !(name === 'issuer' && value === principal.issuer),
    );
    rows.push(['CI', claims.map(([name, value]) => `${name}=${value}`).join(' ')]);
  }
  rows.push(['key', request.key], ['algorithm', request.algorithm]);
  const names = request.items.map(
    (i) => i.artifact?.name ?? `(digest ${Buffer.from(i.digest).toString('hex').slice(0, 16)}…)`,
  );
  const shown = names.length > 5 ? [...names.slice(0, 5), `and ${names.length - 5} more`] : names;
  rows.push(['signatures', `${request.items.length}: ${shown.join(', ')}`]);
  for (const field of ['format', 'application', 'reason'] as const) {
    if (metadata?.[field] !== undefined) rows.push([field, metadata[field]]);
  }
  rows.push(['fingerprint', requestFingerprint(request)]);
  return rows;
}

function describeMember(member: RoleMember): string {
  if (member.ci)
    return `ci ${Object.entries(member.ci)
      .map(([k, v]) => `${k}=${(v as string[]).join('|')}`)
      .join(' ')}`;
  const kind = (['user', 'group', 'service', 'agent', 'local'] as const).find((k) => member[k] !== undefined)!;
  return `${kind} ${member[kind]}`;
}

/** Who can give a step's approvals on this key, from the policy's role bindings. */
function approvers(policy: Policy, role: string, key: string): string {
  const groups = policy.document.keyGroups ?? {};
  const members = policy.document.roles
    .filter((b) => b.role === role && (!b.keys || keyMatcher(b.keys, groups)(key)))
    .flatMap((b) => b.members.map(describeMember));
  return members.length ? `from ${members.join(', ')}` : 'nobody in the policy holds it (only token-granted roles)';
}

function missingRows(missing: readonly MissingApproval[], request: SigningRequest, policy?: Policy): string[][] {
  return missing.map((m) => [
    `step ${m.step + 1}`,
    m.role,
    `${m.remaining} more (of ${m.required})`,
    ...(policy ? [approvers(policy, m.role, request.key)] : []),
  ]);
}

function reasonLines(reasons: readonly Reason[]): string[] {
  const byRule = new Map<string, Reason[]>();
  for (const reason of reasons) {
    const group = reason.rule === undefined ? 'policy' : `rule ${reason.rule}`;
    byRule.set(group, [...(byRule.get(group) ?? []), reason]);
  }
  const width = Math.max(...reasons.map((r) => r.code.length));
  return [...byRule].flatMap(([group, list]) => [
    `  ${group}`,
    ...list.map((r) => `    ${r.code.padEnd(width)}  ${r.message}`),
  ]);
}

/**
 * A person's explanation of a decision: the verdict first, then the request, what approvals are
 * missing (and who can give them, when `policy` is passed), and every reason grouped by rule.
 *
 * @example
 * ```ts
 * console.log(explainDecision(evaluatePolicy(policy, request, input), request, policy));
 * // PENDING  rule prod-release needs 3 more approvals (policy 2026-11-27.1)
 * // ...
 * ```
 */
export function explainDecision(decision: Decision, request: SigningRequest, policy?: Policy): string {
  const lines = [verdict(decision), '', 'Request', ...columns(requestRows(request, policy))];
  if (decision.effect === 'pending') {
    lines.push('', 'Missing approvals', ...columns(missingRows(decision.missing, request, policy)));
    if (decision.expiresAt) lines.push(`  approvals counted so far expire at ${decision.expiresAt.toISOString()}`);
  }
  if (decision.effect === 'allow' && decision.approvedBy?.length) {
    lines.push('', 'Approved by', ...decision.approvedBy.map((id) => `  ${id}`));
  }
  if (decision.reasons.length) lines.push('', 'Reasons', ...reasonLines(decision.reasons));
  return `${lines.join('\n')}\n`;
}
