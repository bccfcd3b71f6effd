import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSignetError } from '../../src/errors/errors.js';
import {
  createPolicy,
  evaluatePolicy,
  parsePolicy,
  requestFingerprint,
  resolveRoles,
  type Decision,
  type EvaluationInput,
  type Policy,
  type SigningRequest,
} from '../../src/policy/index.js';
import { approvalsOf, policyDocument, signingRequest, usage } from './arbitraries.js';
import { NOW } from './helpers.js';

const RUNS = { numRuns: 500 };
const APPROVAL_RUNS = { numRuns: 1500 }; // approvals decide in a few percent of generated cases: run more
const when = fc.integer({ min: 0, max: 14 * 24 * 60 }).map((minutes) => new Date(NOW.getTime() + minutes * 60_000));
const input = (now: Date, approvals: EvaluationInput['approvals'] = []): EvaluationInput => ({ now, usage, approvals });

/** What approvals decide: the verdict, the rule, what is missing and who counted; not the wording. */
const outcome = (d: Decision) => ({
  effect: d.effect,
  rule: 'rule' in d ? d.rule : undefined,
  missing: d.effect === 'pending' ? d.missing : undefined,
  approvedBy: d.effect === 'allow' ? d.approvedBy : undefined,
});

describe('policy evaluation, for generated policies and requests', () => {
  it('never allows a request that a deny rule covers', () => {
    fc.assert(
      fc.property(policyDocument, signingRequest, when, fc.nat(), fc.boolean(), (doc, request, now, at, byRole) => {
        const roles = resolveRoles(createPolicy(doc), request.principal, request.key);
        const deny = {
          name: 'forced-deny',
          deny: {
            keys: [request.key],
            algorithms: [request.algorithm],
            ...(byRole && roles.length ? { roles: [roles[0]] } : {}),
          },
        };
        const rules = [...doc.rules];
        rules.splice(at % (rules.length + 1), 0, deny);
        const policy = createPolicy({ ...doc, rules });
        const decision = evaluatePolicy(policy, request, input(now, []));
        expect(decision.effect).toBe('deny');
        expect(decision.reasons).toContainEqual(
          expect.objectContaining({ rule: 'forced-deny', code: 'EXPLICIT_DENY' }),
        );
      }),
      RUNS,
    );
  });

  it('ignores approvals and denials made for any other request', () => {
    const scenario = fc.tuple(signingRequest, signingRequest).chain(([request, other]) =>
      fc.record({
        request: fc.constant(request),
        other: fc.constant(other),
        mine: approvalsOf(request, 3),
        theirs: approvalsOf(other, 6),
      }),
    );
    fc.assert(
      fc.property(policyDocument, scenario, when, (doc, { request, other, mine, theirs }, now) => {
        fc.pre(requestFingerprint(other) !== requestFingerprint(request));
        const policy = createPolicy(doc);
        const without = evaluatePolicy(policy, request, input(now, mine));
        const withOthers = evaluatePolicy(policy, request, input(now, [...theirs, ...mine, ...theirs]));
        expect(withOthers).toEqual(without);
      }),
      APPROVAL_RUNS,
    );
  });

  it('never counts the requester approving or denying their own request', () => {
    const scenario = signingRequest.chain((request) =>
      fc.record({ request: fc.constant(request), others: approvalsOf(request), own: approvalsOf(request, 3) }),
    );
    fc.assert(
      fc.property(policyDocument, scenario, when, (doc, { request, others, own }, now) => {
        const policy = createPolicy(doc);
        // The requester's own records, whatever groups and roles they carry.
        const self = own.map((a) => ({
          ...a,
          approver: { ...a.approver, subject: request.principal.subject, issuer: request.principal.issuer },
        }));
        const base = evaluatePolicy(policy, request, input(now, others));
        const withSelf = evaluatePolicy(policy, request, input(now, [...self, ...others]));
        expect(outcome(withSelf)).toEqual(outcome(base));
      }),
      APPROVAL_RUNS,
    );
  });

  it('is deterministic: the same inputs give deep-equal decisions', () => {
    const scenario = signingRequest.chain((request) =>
      fc.record({ request: fc.constant(request), approvals: approvalsOf(request) }),
    );
    fc.assert(
      fc.property(policyDocument, scenario, when, (doc, { request, approvals }, now) => {
        const first = evaluatePolicy(createPolicy(doc), request, input(now, approvals));
        const reparsed: Policy = parsePolicy(JSON.stringify(doc));
        const copy = structuredClone(request) as SigningRequest;
        expect(evaluatePolicy(reparsed, copy, input(new Date(now), structuredClone(approvals)))).toEqual(first);
        expect(evaluatePolicy(reparsed, copy, input(new Date(now), structuredClone(approvals)))).toEqual(first);
      }),
      RUNS,
    );
  });

  it('gives every approval it counts to an approver who is not the requester', () => {
    const scenario = signingRequest.chain((request) =>
      fc.record({ request: fc.constant(request), approvals: approvalsOf(request, 8) }),
    );
    fc.assert(
      fc.property(policyDocument, scenario, when, (doc, { request, approvals }, now) => {
        const decision = evaluatePolicy(createPolicy(doc), request, input(now, approvals));
        if (decision.effect !== 'allow' || !decision.approvedBy) return;
        expect(decision.approvedBy).not.toContain(`${request.principal.issuer}|${request.principal.subject}`);
        expect(new Set(decision.approvedBy).size).toBe(decision.approvedBy.length);
      }),
      APPROVAL_RUNS,
    );
  });
});

describe('the policy parser, on arbitrary input', () => {
  const onlyInvalidPolicy = (parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      expect(isSignetError(error, 'INVALID_POLICY')).toBe(true);
    }
  };

  it('throws nothing but INVALID_POLICY on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => onlyInvalidPolicy(() => parsePolicy(text))),
      { numRuns: 1000 },
    );
  });

  it('throws nothing but INVALID_POLICY on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => onlyInvalidPolicy(() => parsePolicy(JSON.stringify(value)))),
      { numRuns: 1000 },
    );
  });

  it('throws nothing but INVALID_POLICY on damaged valid policies', () => {
    fc.assert(
      fc.property(
        policyDocument,
        fc.nat(),
        fc.nat({ max: 40 }),
        fc.string({ maxLength: 5 }),
        (doc, at, length, insert) => {
          const text = JSON.stringify(doc, null, 2);
          const start = at % text.length;
          onlyInvalidPolicy(() => parsePolicy(text.slice(0, start) + insert + text.slice(start + length)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('throws nothing but INVALID_POLICY on random objects', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => onlyInvalidPolicy(() => createPolicy(value))),
      { numRuns: 1000 },
    );
  });
});
