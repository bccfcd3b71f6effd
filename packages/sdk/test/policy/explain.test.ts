import { describe, expect, it } from 'vitest';
import { isSignetError } from '../../src/errors/errors.js';
import {
  evaluatePolicy,
  explainDecision,
  parseScenario,
  requestFingerprint,
  type PolicyProblem,
} from '../../src/policy/index.js';
import { approval, codes, decide, HOUR, later, policyOf, request, user } from './helpers.js';

const ROLES = [
  { role: 'security', members: [{ group: 'security' }, { user: 'sam@acme.com' }] },
  { role: 'ops', members: [{ user: 'olga@acme.com' }], keys: ['soft://dev-*'] },
];
const policy = policyOf(
  [
    { name: 'no-exe', description: 'no Windows binaries', deny: { artifacts: ['*.exe'] } },
    { name: 'jar', allow: { formats: ['cms'] } },
    { name: 'ops-only', allow: { roles: ['ops'] } },
    { name: 'reviewed', allow: {}, approvals: { steps: [{ role: 'security', count: 2 }] } },
  ],
  { roles: ROLES },
);

describe('explaining a decision', () => {
  it('puts the verdict first, then the request, missing approvals with who can give them, and reasons', () => {
    const req = request();
    const text = explainDecision(
      decide(policy, req, { approvals: [approval(user('sam@acme.com'), req, later(-HOUR))] }),
      req,
      policy,
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^PENDING +rule reviewed needs 1 more approval \(policy test-1\)$/);
    expect(text).toContain(`fingerprint  ${requestFingerprint(req)}`);
    expect(text).toMatch(/step 1 +security +1 more \(of 2\) +from group security, user sam@acme\.com/);
    expect(text).toMatch(/approvals counted so far expire at /);
    expect(lines.indexOf('Request')).toBeLessThan(lines.indexOf('Missing approvals'));
    expect(lines.indexOf('Missing approvals')).toBeLessThan(lines.indexOf('Reasons'));
  });

  it('lists every reason under its rule, and the default deny under the policy', () => {
    const req = request({ principal: user('x@acme.com') });
    const decision = decide(
      policyOf(
        [
          { name: 'jar', allow: { formats: ['cms'] } },
          { name: 'ops-only', allow: { roles: ['ops'] } },
        ],
        { roles: ROLES },
      ),
      req,
    );
    const text = explainDecision(decision, req);
    expect(text.split('\n')[0]).toMatch(/^DENY +no rule allows this request/);
    expect(text).toMatch(
      / {2}rule jar\n {4}FORMAT +format jar is not cms\n {2}policy\n {4}ROLE +.*rule ops-only on it is for ops\n {4}NO_MATCHING_RULE/,
    );
  });

  it('names the deny rule in the verdict of an explicit deny', () => {
    const req = request({ items: [{ digest: new Uint8Array(32), artifact: { name: 'setup.exe' } }] });
    const text = explainDecision(decide(policy, req), req, policy);
    expect(text.split('\n')[0]).toBe('DENY     denied by rule no-exe: no Windows binaries (policy test-1)');
  });

  it('says who approved an allowed request', () => {
    const req = request();
    const approvals = ['a', 'b'].map((n) =>
      approval(user(`${n}@acme.com`, { groups: ['security'] }), req, later(-HOUR)),
    );
    const decision = decide(policy, req, { approvals });
    const text = explainDecision(decision, req, policy);
    expect(text.split('\n')[0]).toBe('ALLOW    by rule reviewed (policy test-1)');
    expect(text).toContain('Approved by\n  https://idp.acme.com|a@acme.com\n  https://idp.acme.com|b@acme.com');
  });
});

describe('a request file', () => {
  const text = `at: 2026-11-25T10:00:00Z
principal: { kind: user, subject: dev@acme.com, issuer: https://idp.acme.com }
key: soft://prod-release
algorithm: ecdsa-p256-sha256
items: [{ artifact: { name: app.jar } }]
metadata: { format: jar }
usage: { key: 4, rules: { reviewed: 1 } }
approvals:
  - { approver: { kind: user, subject: sam@acme.com, issuer: https://idp.acme.com }, decision: approve, at: 2026-11-25T09:00:00Z }
  - { approver: { kind: user, subject: eve@acme.com, issuer: https://idp.acme.com }, decision: approve, at: 2026-11-25T09:00:00Z, fingerprint: other }
`;

  it('becomes a request and an evaluation input', () => {
    const scenario = parseScenario(text, { source: 'r.yaml' });
    expect(scenario.request.principal.authMethod).toBe('jwt');
    expect(scenario.request.items[0]!.digest).toEqual(new Uint8Array(32));
    const input = scenario.input(scenario.at!);
    expect(input.approvals.map((a) => a.fingerprint)).toEqual([requestFingerprint(scenario.request), 'other']);
    expect([
      input.usage({ key: 'k', since: scenario.at! }),
      input.usage({ rule: 'reviewed', since: scenario.at! }),
    ]).toEqual([4, 1]);
    const decision = evaluatePolicy(policy, scenario.request, input);
    expect(decision).toMatchObject({ effect: 'pending', missing: [{ remaining: 1 }] });
    expect(codes(decision)).toEqual(['APPROVAL_MISSING']);
  });

  it('reports its problems with line and column, as INVALID_ARGUMENT', () => {
    try {
      parseScenario(
        text.replace('ecdsa-p256-sha256', 'md5').replace('kind: user, subject: dev', 'kind: robot, subject: dev'),
        { source: 'r.yaml' },
      );
      expect.unreachable();
    } catch (error) {
      expect(isSignetError(error, 'INVALID_ARGUMENT')).toBe(true);
      const problems = (error as { details: { problems: PolicyProblem[] } }).details.problems;
      expect(problems.map((p) => [p.field, p.line, p.column])).toEqual([
        ['principal.kind', 2, 20],
        ['algorithm', 4, 12],
      ]);
    }
  });
});
