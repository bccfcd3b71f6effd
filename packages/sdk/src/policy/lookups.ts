import type { Principal, SigningRequest } from '../signing/request.js';
import { appliesTo, type Policy } from './compile.js';
import type { UsageQuery } from './decision.js';
import { factsFor } from './facts.js';
import { rolesOn } from './roles.js';

/**
 * The roles `principal` holds on `key` under `policy`: granted by its authenticator, or by a role
 * binding that includes it and covers the key. Sorted, for display.
 *
 * @example
 * ```ts
 * resolveRoles(policy, { kind: 'user', subject: 'alice@acme.com', issuer: idp, authMethod: 'jwt' }, 'soft://prod')
 * // ['release-manager']
 * ```
 */
export function resolveRoles(policy: Policy, principal: Principal, key: string): string[] {
  return [...rolesOn(policy.compiled.forKey(key).bindings, principal)].sort();
}

/**
 * Every usage count that evaluating `request` at `now` may ask for: the quotas and release
 * windows of the allow rules that apply to it. A caller whose counts live in a database fetches
 * these up front and answers `input.usage` from them, in one round trip.
 *
 * @example
 * ```ts
 * const counts = await Promise.all(usageQueries(policy, request, now).map((q) => store.count(q)));
 * ```
 */
export function usageQueries(policy: Policy, request: SigningRequest, now: Date): UsageQuery[] {
  const facts = factsFor(policy, request, { now, usage: () => 0, approvals: [] });
  const queries = new Map<string, UsageQuery>();
  for (const rule of policy.compiled.forKey(request.key).allow) {
    if (!appliesTo(rule, facts)) continue;
    for (const plan of rule.usage) {
      const query = plan(facts);
      if (!query) continue;
      const id = JSON.stringify([
        query.key,
        query.principal,
        query.rule,
        query.since.getTime(),
        query.until?.getTime(),
      ]);
      queries.set(id, query);
    }
  }
  return [...queries.values()];
}

/**
 * Whether approvals can affect a decision on `key`: only when an allow rule on it requires them
 * (approvals complete such a rule, and a denial on one vetoes the request). When none does, a
 * caller whose approvals live in a database skips reading them.
 */
export function approvalsMatter(policy: Policy, key: string): boolean {
  return policy.compiled.forKey(key).allow.some((rule) => rule.approvals !== undefined);
}
