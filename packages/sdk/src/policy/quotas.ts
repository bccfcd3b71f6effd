import type { UsageQuery } from './decision.js';
import { durationMs } from './duration.js';
import type { Condition, Facts } from './facts.js';
import type { Quota, TimeConditions } from './schema.js';

/*
 * Conditions that count past signatures through `input.usage`. A batch of N digests makes N
 * signatures, so a request fits when `used + N <= max`. Each also exposes the query it makes, so
 * a caller with an asynchronous store can fetch every count up front (see `usageQueries`).
 */

/** A condition on usage, and the one count it needs (none when it is decided without counting). */
export interface UsageCondition {
  readonly query: (facts: Facts) => UsageQuery | undefined;
  readonly condition: Condition;
}

/** Who a quota counts: the key (everyone's signatures with it), the principal (on any key), or the rule. */
function scope(per: Quota['per'], rule: string, facts: Facts): Omit<UsageQuery, 'since' | 'until'> {
  switch (per) {
    case 'key':
      return { key: facts.request.key };
    case 'principal':
      return { principal: facts.principalId };
    case 'rule':
      return { rule };
  }
}

const subject = (per: Quota['per'], facts: Facts): string =>
  per === 'key' ? `key ${facts.request.key}` : per === 'principal' ? facts.principalId : 'this rule';

export function quotaConditions(quotas: readonly Quota[], rule: string): UsageCondition[] {
  return quotas.map((quota) => {
    const periodMs = durationMs(quota.period);
    const query = (facts: Facts): UsageQuery => ({
      ...scope(quota.per, rule, facts),
      since: new Date(facts.now - periodMs),
      until: new Date(facts.now),
    });
    const condition: Condition = (facts) => {
      const used = facts.input.usage(query(facts));
      if (used + facts.count <= quota.max) return undefined;
      return {
        code: 'QUOTA',
        message: `quota of ${quota.max} signatures per ${quota.period} for ${subject(quota.per, facts)}: ${used} made, this request adds ${facts.count}`,
      };
    };
    return { query, condition };
  });
}

/** A release window: open from `from` to `to`, for at most `maxSignatures` signatures by this rule. */
export function releaseWindowCondition(
  window: NonNullable<TimeConditions['releaseWindow']>,
  rule: string,
): UsageCondition {
  const start = Date.parse(window.from);
  const end = Date.parse(window.to);
  const open = (now: number) => now >= start && now < end;
  const query = (facts: Facts): UsageQuery | undefined =>
    open(facts.now) ? { rule, since: new Date(start), until: new Date(facts.now) } : undefined;
  const condition: Condition = (facts) => {
    if (!open(facts.now)) {
      const when = facts.now < start ? `opens at ${window.from}` : `closed at ${window.to}`;
      return { code: 'RELEASE_WINDOW', message: `the release window ${when}` };
    }
    const used = facts.input.usage(query(facts)!);
    if (used + facts.count <= window.maxSignatures) return undefined;
    return {
      code: 'RELEASE_WINDOW',
      message: `the release window allows ${window.maxSignatures} signatures: ${used} made, this request adds ${facts.count}`,
    };
  };
  return { query, condition };
}
