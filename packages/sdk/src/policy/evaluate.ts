import { requestFingerprint, type SigningRequest } from '../signing/request.js';
import { approvalDenials, approvalStatus, type ApprovalContext, type ApprovalStatus } from './approvals.js';
import { appliesTo, type CompiledRule, type Policy } from './compile.js';
import { principalId, type ApprovalRecord, type Decision, type EvaluationInput, type Reason } from './decision.js';
import { factsFor, type Facts } from './facts.js';
import { rolesOn } from './roles.js';

/**
 * Decides one signing request. Pure: time, past usage, approvals and the key's certificate come
 * from `input`, so the same arguments always give the same decision.
 *
 * Deny rules whose scope (roles, keys) covers the request refuse it when all their conditions
 * hold, whatever any allow rule says; so does a denial by an eligible approver. Otherwise the
 * first allow rule (in document order) whose conditions all hold grants it, or leaves it pending
 * when its approvals are incomplete. With no such rule, the request is denied with every reason.
 *
 * @example
 * ```ts
 * const decision = evaluatePolicy(policy, request, { now: new Date(), usage: (q) => store.count(q), approvals: [] });
 * if (decision.effect === 'pending') notify(decision.missing);
 * ```
 */
export function evaluatePolicy(policy: Policy, request: SigningRequest, input: EvaluationInput): Decision {
  const { compiled, revision: policyVersion } = policy;
  const facts = factsFor(policy, request, input);
  const applies = (rule: CompiledRule) => appliesTo(rule, facts);
  const { deny, allow } = compiled.forKey(request.key);

  const refusals: Reason[] = [];
  for (const rule of deny) {
    if (applies(rule) && rule.conditions.every((condition) => condition(facts) === undefined)) {
      const why = rule.source.description ? `: ${rule.source.description}` : '';
      refusals.push({ rule: rule.name, code: 'EXPLICIT_DENY', message: `denied by rule ${rule.name}${why}` });
    }
  }
  let approvals: ApprovalContext | undefined;
  const approvalContext = (): ApprovalContext => (approvals ??= approvalContextFor(policy, request, facts));
  if (input.approvals.some((a) => a.decision === 'deny')) {
    const vetoes = new Map<string, Reason>();
    for (const rule of allow) {
      if (!rule.approvals || !applies(rule)) continue;
      for (const [id, failure] of approvalDenials(rule.approvals, approvalContext())) {
        if (!vetoes.has(id)) vetoes.set(id, { rule: rule.name, ...failure });
      }
    }
    refusals.push(...vetoes.values());
  }
  if (refusals.length > 0) return { effect: 'deny', policyVersion, reasons: refusals };

  const reasons: Reason[] = [];
  const forOthers: CompiledRule[] = [];
  let pending: { rule: CompiledRule; status: ApprovalStatus } | undefined;
  for (const rule of allow) {
    if (!applies(rule)) {
      forOthers.push(rule);
      continue;
    }
    const before = reasons.length;
    for (const condition of rule.conditions) {
      const failure = condition(facts);
      if (failure) reasons.push({ rule: rule.name, ...failure });
    }
    if (reasons.length > before) continue;
    if (!rule.approvals) {
      return { effect: 'allow', rule: rule.name, policyVersion, reasons: [allowed(rule.name)] };
    }
    const status = approvalStatus(rule.name, rule.approvals, approvalContext());
    if (status.missing.length === 0) {
      const reason = allowed(rule.name, status.approvedBy);
      return { effect: 'allow', rule: rule.name, policyVersion, reasons: [reason], approvedBy: status.approvedBy };
    }
    pending ??= { rule, status };
  }
  if (pending) return pendingDecision(pending.rule, pending.status, policyVersion);
  const message =
    allow.length === 0
      ? `no allow rule covers key ${request.key} (default deny)`
      : 'no rule allows this request (default deny)';
  if (forOthers.length) reasons.push({ code: 'ROLE', message: roleMessage(forOthers, facts) });
  return { effect: 'deny', policyVersion, reasons: [...reasons, { code: 'NO_MATCHING_RULE', message }] };
}

function allowed(rule: string, approvedBy: readonly string[] = []): Reason {
  const by = approvedBy.length ? `, approved by ${approvedBy.join(', ')}` : '';
  return { rule, code: 'ALLOWED', message: `allowed by rule ${rule}${by}` };
}

/** One reason for all the rules on this key that are for other roles: there may be hundreds. */
function roleMessage(rules: readonly CompiledRule[], facts: Facts): string {
  const held = facts.roles.size ? `holds ${[...facts.roles].sort().join(', ')}` : 'holds no role';
  const roles = new Set<string>();
  for (const rule of rules) for (const role of rule.roles!) roles.add(role);
  const wanted = [...roles].sort();
  const shown = wanted.length > 8 ? [...wanted.slice(0, 8), `${wanted.length - 8} more`] : wanted;
  const which = rules.length <= 3 ? `rule ${rules.map((r) => r.name).join(', ')}` : `${rules.length} rules`;
  return `${facts.principalId} ${held} on this key; ${which} on it ${rules.length === 1 ? 'is' : 'are'} for ${shown.join(', ')}`;
}

function pendingDecision(rule: CompiledRule, status: ApprovalStatus, policyVersion: string): Decision {
  const ordered = rule.approvals!.ordered;
  const reasons: Reason[] = status.missing.map((m) => ({
    rule: rule.name,
    code: 'APPROVAL_MISSING',
    message: `${ordered ? `step ${m.step + 1}: ` : ''}${m.remaining} more approval${m.remaining === 1 ? '' : 's'} from ${m.role} (of ${m.required})`,
  }));
  reasons.push(...status.ignored.map((failure) => ({ rule: rule.name, ...failure })));
  return {
    effect: 'pending',
    rule: rule.name,
    policyVersion,
    missing: status.missing,
    reasons,
    ...(status.expiresAt ? { expiresAt: status.expiresAt } : {}),
  };
}

function approvalContextFor(policy: Policy, request: SigningRequest, facts: Facts): ApprovalContext {
  // Per record, not per approver id: two records of one approver may carry different groups.
  const roles = new Map<ApprovalRecord, ReadonlySet<string>>();
  return {
    fingerprint: requestFingerprint(request),
    requester: facts.principalId,
    now: facts.now,
    records: facts.input.approvals,
    rolesOf: (record) => {
      let held = roles.get(record);
      if (!held) roles.set(record, (held = rolesOn(policy.compiled.forKey(request.key).bindings, record.approver)));
      return held;
    },
  };
}
