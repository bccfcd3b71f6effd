import { SignetError } from '../errors/errors.js';
import type { Decision, EvaluationInput, UsageQuery } from '../policy/decision.js';
import { evaluatePolicy, usageQueries, type Policy } from '../policy/index.js';
import type { SigningRequest } from './request.js';
import type { UsageStore } from './stores.js';

/**
 * Evaluates the policy with usage counts from a store that may be asynchronous (a database).
 * Evaluation is pure and synchronous, so the counts it needs are fetched first, in parallel
 * (`usageQueries`); should it still ask for one that was not fetched, that count is fetched and
 * the evaluation runs again.
 */
export async function decideWithUsage(
  policy: Policy,
  request: SigningRequest,
  input: Omit<EvaluationInput, 'usage'>,
  usage: UsageStore,
): Promise<Decision> {
  const counts = new Map<string, number>();
  let wanted = usageQueries(policy, request, input.now);
  for (let round = 0; round < 4; round++) {
    await Promise.all(wanted.map(async (q) => counts.set(queryId(q), await usage.count(q))));
    const missing = new Map<string, UsageQuery>();
    const lookup = (query: UsageQuery): number => {
      const known = counts.get(queryId(query));
      if (known === undefined) missing.set(queryId(query), query);
      return known ?? 0;
    };
    const decision = evaluatePolicy(policy, request, { ...input, usage: lookup });
    if (missing.size === 0) return decision;
    wanted = [...missing.values()];
  }
  throw new SignetError('INTERNAL', 'The policy kept asking for new usage counts');
}

function queryId(q: UsageQuery): string {
  return JSON.stringify([
    q.key ?? null,
    q.principal ?? null,
    q.rule ?? null,
    q.since.getTime(),
    q.until?.getTime() ?? null,
  ]);
}
