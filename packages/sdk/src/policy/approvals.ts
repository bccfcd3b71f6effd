import type { ApprovalRecord, MissingApproval } from './decision.js';
import { principalId } from './decision.js';
import type { Failure } from './facts.js';
import { assignSlots, type Candidate } from './assign.js';

/** A rule's approval requirements, compiled. */
export interface ApprovalSpec {
  readonly ordered: boolean;
  readonly steps: readonly { readonly role: string; readonly count: number }[];
  readonly expiresAfter: string;
  readonly expiresAfterMs: number;
}

/** What one evaluation knows about approvals: records for this request, and who holds which role. */
export interface ApprovalContext {
  readonly fingerprint: string;
  readonly requester: string;
  readonly now: number;
  readonly records: readonly ApprovalRecord[];
  /** The approver's roles on the request's key, through the same bindings as the requester's. */
  readonly rolesOf: (record: ApprovalRecord) => ReadonlySet<string>;
}

export interface ApprovalStatus {
  readonly missing: MissingApproval[];
  readonly approvedBy: string[];
  readonly ignored: Failure[];
  /** When the first counted approval expires. */
  readonly expiresAt?: Date;
}

/** The approvals and denials that may count: bound to this request, made by now. */
function relevant(ctx: ApprovalContext, decision: ApprovalRecord['decision']): ApprovalRecord[] {
  return ctx.records.filter(
    (r) => r.fingerprint === ctx.fingerprint && r.decision === decision && r.at.getTime() <= ctx.now,
  );
}

/**
 * Which steps of `spec` the approvals satisfy. An approval counts when it is for this exact
 * request, not the requester's own, not expired, and its approver holds the step's role; each
 * approver counts once (their latest approval). Unordered requirements are assigned so that the
 * most steps fill; ordered steps each take the earliest approvals made after the previous step
 * completed.
 */
export function approvalStatus(rule: string, spec: ApprovalSpec, ctx: ApprovalContext): ApprovalStatus {
  const ignored = new Map<string, Failure>();
  const ignore = (id: string, message: string) => ignored.set(id, { code: 'APPROVAL_IGNORED', message });
  const latest = new Map<string, ApprovalRecord>();
  for (const record of relevant(ctx, 'approve')) {
    const id = principalId(record.approver);
    if (id === ctx.requester) ignore(id, `${id} approved their own request, which never counts`);
    else if ((latest.get(id)?.at.getTime() ?? -Infinity) < record.at.getTime()) latest.set(id, record);
  }
  const roles = new Set(spec.steps.map((s) => s.role));
  const candidates: Candidate[] = [];
  for (const [id, record] of latest) {
    const at = record.at.getTime();
    const held = [...ctx.rolesOf(record)].filter((r) => roles.has(r));
    if (at + spec.expiresAfterMs <= ctx.now) {
      ignore(
        id,
        `${id}'s approval expired at ${new Date(at + spec.expiresAfterMs).toISOString()} (valid ${spec.expiresAfter})`,
      );
    } else if (held.length === 0) {
      ignore(id, `${id} does not hold ${[...roles].join(' or ')} on this key`);
    } else {
      candidates.push({ id, at, roles: new Set(held) });
    }
  }
  candidates.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const { counted, remaining, early } = assignSlots(spec, candidates);
  for (const { id, step } of early) ignore(id, `${id} approved before step ${step} was complete; approve again`);

  const missing = spec.steps.flatMap((step, i) =>
    remaining[i]! > 0 ? [{ rule, step: i, role: step.role, required: step.count, remaining: remaining[i]! }] : [],
  );
  const firstAt = Math.min(...counted.map((c) => c.at));
  return {
    missing,
    approvedBy: counted.map((c) => c.id),
    ignored: [...ignored.values()],
    ...(counted.length ? { expiresAt: new Date(firstAt + spec.expiresAfterMs) } : {}),
  };
}

/**
 * Denials that end the request: recorded for this exact request by someone who could approve it
 * (holds a role of `spec`, is not the requester). A denial does not expire.
 */
export function approvalDenials(spec: ApprovalSpec, ctx: ApprovalContext): Map<string, Failure> {
  const roles = new Set(spec.steps.map((s) => s.role));
  const denials = new Map<string, Failure>();
  for (const record of relevant(ctx, 'deny')) {
    const id = principalId(record.approver);
    if (id === ctx.requester || ![...ctx.rolesOf(record)].some((r) => roles.has(r))) continue;
    const comment = record.comment ? `: ${record.comment}` : '';
    denials.set(id, {
      code: 'APPROVAL_DENIED',
      message: `${id} denied this request at ${record.at.toISOString()}${comment}`,
    });
  }
  return denials;
}
