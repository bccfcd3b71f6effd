/**
 * `@signet/sdk/policy`: who may sign what, with which key, when, and with whose approval.
 * Parse a policy document once, then evaluate each request against it; evaluation is pure.
 *
 * @example
 * ```ts
 * import { parsePolicy, evaluatePolicy, explainDecision } from '@signet/sdk/policy';
 * const policy = parsePolicy(text, { source: 'policy.yaml' });
 * const decision = evaluatePolicy(policy, request, { now: new Date(), usage: () => 0, approvals: [] });
 * console.log(explainDecision(decision, request, policy));
 * ```
 *
 * @packageDocumentation
 */
export { parsePolicy, createPolicy } from './load.js';
export type { ParsePolicyOptions } from './load.js';
export type { Policy } from './compile.js';
export { evaluatePolicy } from './evaluate.js';
export { approvalsMatter, resolveRoles, usageQueries } from './lookups.js';
export { explainDecision } from './explain.js';
export { parseScenario } from './scenario.js';
export type { Scenario, ParseScenarioOptions } from './scenario.js';
export { compileGlob, compileGlobs } from './glob.js';
export type { Matcher } from './glob.js';
export { durationMs } from './duration.js';
export { formatProblem } from './problems.js';
export type { PolicyProblem } from './problems.js';
export { principalId } from './decision.js';
export type {
  Decision,
  Reason,
  ReasonCode,
  MissingApproval,
  ApprovalRecord,
  UsageQuery,
  CertificateFacts,
  EvaluationInput,
} from './decision.js';
export type {
  PolicyDocument,
  PolicyRule,
  RoleBinding,
  RoleMember,
  RuleTarget,
  CiConditions,
  TimeConditions,
  CertificateConditions,
  Quota,
  ApprovalConditions,
} from './schema.js';
export { requestFingerprint } from '../signing/request.js';
export type { SigningRequest, SigningItem, RequestMetadata, Principal, CiClaims } from '../signing/request.js';
