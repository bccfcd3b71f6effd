import type { ApprovalSpec } from './approvals.js';
import { certificateConditions } from './certificate.js';
import { durationMs } from './duration.js';
import type { Condition, Facts } from './facts.js';
import type { Matcher } from './glob.js';
import { releaseWindowCondition, quotaConditions, type UsageCondition } from './quotas.js';
import { ciCondition, targetConditions } from './request-conditions.js';
import { compileBinding, keyMatcher, type CompiledBinding } from './roles.js';
import type { PolicyDocument, PolicyRule } from './schema.js';
import { timeConditions } from './time.js';

/** A rule ready to evaluate: its scope as matchers, its conditions as functions. */
export interface CompiledRule {
  /** Position in the document: the first granting rule, in document order, is the one reported. */
  readonly index: number;
  readonly name: string;
  readonly effect: 'allow' | 'deny';
  readonly source: PolicyRule;
  /** The rule is for principals holding one of these roles; everyone when absent. */
  readonly roles?: readonly string[];
  readonly conditions: readonly Condition[];
  /** The usage counts the rule's quotas and release window ask for. */
  readonly usage: readonly UsageCondition['query'][];
  readonly approvals?: ApprovalSpec;
}

/** What applies to one key: the role bindings that cover it, and its rules by effect, in document order. */
export interface KeyScope {
  readonly bindings: readonly CompiledBinding[];
  readonly deny: readonly CompiledRule[];
  readonly allow: readonly CompiledRule[];
}

/** The compiled form of a policy; built once by `parsePolicy` or `createPolicy`. */
export interface CompiledPolicy {
  readonly rules: readonly CompiledRule[];
  /**
   * The bindings and rules that cover `key`. Cached per key: a policy sees few distinct keys and
   * many requests, so a decision looks at the rules of its key only, not at the whole document.
   */
  forKey(key: string): KeyScope;
}

/** Whether a rule is for the requester: it names no roles, or one the requester holds. */
export function appliesTo(rule: CompiledRule, facts: Facts): boolean {
  if (!rule.roles) return true;
  for (const role of rule.roles) if (facts.roles.has(role)) return true;
  return false;
}

/** Keys cached per policy before the cache starts over (bounds memory under a flood of key names). */
const KEY_CACHE_LIMIT = 4096;

function compileRule(rule: PolicyRule, index: number): CompiledRule {
  const effect = rule.allow ? 'allow' : 'deny';
  const target = rule.allow ?? rule.deny ?? {};
  const conditions: Condition[] = [...targetConditions(target, effect)];
  if (rule.ci) conditions.push(ciCondition(rule.ci));
  if (rule.time) conditions.push(...timeConditions(rule.time, effect));
  if (rule.certificate) conditions.push(...certificateConditions(rule.certificate));
  const counted: UsageCondition[] = [
    ...(rule.time?.releaseWindow ? [releaseWindowCondition(rule.time.releaseWindow, rule.name)] : []),
    ...quotaConditions(rule.quotas ?? [], rule.name),
  ];
  conditions.push(...counted.map((c) => c.condition));
  const approvals = rule.approvals && {
    ordered: rule.approvals.steps !== undefined,
    steps: (rule.approvals.steps ?? rule.approvals.require)!,
    expiresAfter: rule.approvals.expiresAfter,
    expiresAfterMs: durationMs(rule.approvals.expiresAfter),
  };
  return {
    index,
    name: rule.name,
    effect,
    source: rule,
    ...(target.roles ? { roles: [...new Set(target.roles)] } : {}),
    conditions,
    usage: counted.map((c) => c.query),
    ...(approvals ? { approvals } : {}),
  };
}

/** Builds matchers and conditions once, so evaluating a request does no parsing. */
export function compile(document: PolicyDocument): CompiledPolicy {
  const groups = document.keyGroups ?? {};
  const bindings = document.roles.map((b) => compileBinding(b, groups));
  const rules = document.rules.map(compileRule);
  const keyMatchers: (Matcher | undefined)[] = document.rules.map((r) => {
    const keys = (r.allow ?? r.deny)?.keys;
    return keys ? keyMatcher(keys, groups) : undefined;
  });
  let cache = new Map<string, KeyScope>();
  return {
    rules,
    forKey(key) {
      let found = cache.get(key);
      if (!found) {
        const covering = rules.filter((_, i) => keyMatchers[i]?.(key) ?? true);
        found = {
          bindings: bindings.filter((b) => !b.keys || b.keys(key)),
          deny: covering.filter((r) => r.effect === 'deny'),
          allow: covering.filter((r) => r.effect === 'allow'),
        };
        if (cache.size >= KEY_CACHE_LIMIT) cache = new Map();
        cache.set(key, found);
      }
      return found;
    },
  };
}

/**
 * A validated, compiled policy: what `evaluatePolicy` takes. Make one with `parsePolicy` (text)
 * or `createPolicy` (a document object); keep it and reuse it for every request.
 */
export interface Policy {
  /** The policy's own version string (`revision`), echoed in every decision as `policyVersion`. */
  readonly revision: string;
  /** The document as validated: lists normalised, defaults filled in. */
  readonly document: PolicyDocument;
  /** Matchers and the key index. Internal: its shape may change in any release. */
  readonly compiled: CompiledPolicy;
}
