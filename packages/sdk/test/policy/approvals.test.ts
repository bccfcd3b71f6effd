import { describe, expect, it } from 'vitest';
import {
  approvalsMatter,
  principalId,
  type ApprovalRecord,
  type Decision,
  type SigningRequest,
} from '../../src/policy/index.js';
import { approval, codes, decide, DAY, HOUR, later, NOW, policyOf, request, user } from './helpers.js';

const DEV = user('dev@acme.com', { groups: ['security'] }); // the requester, who is also in security
const SEC1 = user('sec1@acme.com', { groups: ['security'] });
const SEC2 = user('sec2@acme.com', { groups: ['security'] });
const RM = user('rm@acme.com', { groups: ['release-managers'] });
const BOTH = user('both@acme.com', { groups: ['security', 'release-managers'] });
const OUTSIDER = user('eve@acme.com');
const ROLES = [
  { role: 'security', members: [{ group: 'security' }] },
  { role: 'release-manager', members: [{ group: 'release-managers' }] },
];
const REQ = request({ principal: DEV });
const OTHER_REQ = request({ principal: DEV, metadata: { format: 'jar', reason: 'another release' } });

function decideWith(approvals: object, records: (req: SigningRequest) => ApprovalRecord[]): Decision {
  const policy = policyOf([{ name: 'prod', allow: {}, approvals: { expiresAfter: '24h', ...approvals } }], {
    roles: ROLES,
  });
  return decide(policy, REQ, { approvals: records(REQ) });
}

const remaining = (d: Decision) => (d.effect === 'pending' ? d.missing.map((m) => m.remaining) : []);

describe('a rule requiring two approvals from security', () => {
  const two = { require: [{ role: 'security', count: 2 }] };
  it.each<[string, (r: SigningRequest) => ApprovalRecord[], string, number[], string[]]>([
    ['no approvals yet', () => [], 'pending', [2], ['APPROVAL_MISSING']],
    ['one approval', (r) => [approval(SEC1, r, later(-HOUR))], 'pending', [1], ['APPROVAL_MISSING']],
    [
      'two approvals',
      (r) => [approval(SEC1, r, later(-HOUR)), approval(SEC2, r, later(-HOUR))],
      'allow',
      [],
      ['ALLOWED'],
    ],
    [
      'one approver twice',
      (r) => [approval(SEC1, r, later(-2 * HOUR)), approval(SEC1, r, later(-HOUR))],
      'pending',
      [1],
      ['APPROVAL_MISSING'],
    ],
    [
      'the requester approving their own request',
      (r) => [approval(DEV, r, later(-HOUR)), approval(SEC1, r, later(-HOUR))],
      'pending',
      [1],
      ['APPROVAL_MISSING', 'APPROVAL_IGNORED'],
    ],
    [
      'an approval exactly 24h old (expired)',
      (r) => [approval(SEC1, r, later(-DAY)), approval(SEC2, r, later(-HOUR))],
      'pending',
      [1],
      ['APPROVAL_MISSING', 'APPROVAL_IGNORED'],
    ],
    [
      'an approval 1 ms short of expiry',
      (r) => [approval(SEC1, r, later(-DAY + 1)), approval(SEC2, r, later(-HOUR))],
      'allow',
      [],
      ['ALLOWED'],
    ],
    [
      'an approval dated after now',
      (r) => [approval(SEC1, r, later(1)), approval(SEC2, r, later(-HOUR))],
      'pending',
      [1],
      ['APPROVAL_MISSING'],
    ],
    [
      'an approver without the role',
      (r) => [approval(OUTSIDER, r, later(-HOUR)), approval(SEC2, r, later(-HOUR))],
      'pending',
      [1],
      ['APPROVAL_MISSING', 'APPROVAL_IGNORED'],
    ],
    [
      'approvals of another request',
      () => [approval(SEC1, OTHER_REQ, later(-HOUR)), approval(SEC2, OTHER_REQ, later(-HOUR))],
      'pending',
      [2],
      ['APPROVAL_MISSING'],
    ],
    [
      'a denial by an approver, despite two approvals',
      (r) => [
        approval(SEC1, r, later(-HOUR)),
        approval(SEC2, r, later(-HOUR)),
        approval(BOTH, r, later(-HOUR), 'deny'),
      ],
      'deny',
      [],
      ['APPROVAL_DENIED'],
    ],
    [
      'a denial long ago (denials do not expire)',
      (r) => [approval(SEC1, r, later(-30 * DAY), 'deny')],
      'deny',
      [],
      ['APPROVAL_DENIED'],
    ],
    [
      'a denial by the requester (not an approver of their own request)',
      (r) => [approval(SEC1, r, later(-HOUR)), approval(SEC2, r, later(-HOUR)), approval(DEV, r, later(-HOUR), 'deny')],
      'allow',
      [],
      ['ALLOWED'],
    ],
    [
      'a denial by someone without the role',
      (r) => [approval(OUTSIDER, r, later(-HOUR), 'deny')],
      'pending',
      [2],
      ['APPROVAL_MISSING'],
    ],
    [
      'a denial of another request',
      () => [approval(SEC1, OTHER_REQ, later(-HOUR), 'deny')],
      'pending',
      [2],
      ['APPROVAL_MISSING'],
    ],
  ])('%s → %s', (_title, records, effect, left, expected) => {
    const decision = decideWith(two, records);
    expect(decision.effect).toBe(effect);
    expect(remaining(decision)).toEqual(left);
    expect(codes(decision)).toEqual(expected);
  });

  it('says who approved, and when the first counted approval expires', () => {
    const allowed = decideWith(two, (r) => [approval(SEC2, r, later(-HOUR)), approval(SEC1, r, later(-2 * HOUR))]);
    expect(allowed).toMatchObject({ effect: 'allow', approvedBy: [principalId(SEC1), principalId(SEC2)] });
    const pending = decideWith(two, (r) => [approval(SEC1, r, later(-2 * HOUR))]);
    expect(pending).toMatchObject({ effect: 'pending', expiresAt: later(DAY - 2 * HOUR) });
  });
});

describe('a rule requiring approvals from two roles in any order', () => {
  const both = {
    require: [
      { role: 'security', count: 1 },
      { role: 'release-manager', count: 1 },
    ],
  };
  it.each<[string, (r: SigningRequest) => ApprovalRecord[], string, number[]]>([
    ['one from each role', (r) => [approval(RM, r, later(-HOUR)), approval(SEC1, r, later(-2 * HOUR))], 'allow', []],
    ['an approver with both roles counts once', (r) => [approval(BOTH, r, later(-HOUR))], 'pending', [1]],
    [
      'an approver with both roles goes where needed',
      (r) => [approval(BOTH, r, later(-2 * HOUR)), approval(SEC1, r, later(-HOUR))],
      'allow',
      [],
    ],
  ])('%s → %s', (_title, records, effect, left) => {
    const decision = decideWith(both, records);
    expect(decision.effect).toBe(effect);
    expect(remaining(decision).filter((n) => n > 0)).toEqual(left);
  });
});

describe('a rule requiring ordered steps: two from security, then one release manager', () => {
  const steps = {
    steps: [
      { role: 'security', count: 2 },
      { role: 'release-manager', count: 1 },
    ],
  };
  it.each<[string, (r: SigningRequest) => ApprovalRecord[], string, { step: number; remaining: number }[], string[]]>([
    [
      'security, then the release manager',
      (r) => [approval(SEC1, r, later(-3 * HOUR)), approval(SEC2, r, later(-2 * HOUR)), approval(RM, r, later(-HOUR))],
      'allow',
      [],
      ['ALLOWED'],
    ],
    [
      'the release manager too early',
      (r) => [approval(RM, r, later(-3 * HOUR)), approval(SEC1, r, later(-2 * HOUR)), approval(SEC2, r, later(-HOUR))],
      'pending',
      [{ step: 1, remaining: 1 }],
      ['APPROVAL_MISSING', 'APPROVAL_IGNORED'],
    ],
    [
      'the first step half done',
      (r) => [approval(SEC1, r, later(-HOUR))],
      'pending',
      [
        { step: 0, remaining: 1 },
        { step: 1, remaining: 1 },
      ],
      ['APPROVAL_MISSING', 'APPROVAL_MISSING'],
    ],
    [
      'an approver with both roles counts in one step only',
      (r) => [approval(BOTH, r, later(-3 * HOUR)), approval(SEC1, r, later(-2 * HOUR))],
      'pending',
      [{ step: 1, remaining: 1 }],
      ['APPROVAL_MISSING'],
    ],
  ])('%s → %s', (_title, records, effect, missing, expected) => {
    const decision = decideWith(steps, records);
    expect(decision.effect).toBe(effect);
    if (decision.effect === 'pending') expect(decision.missing).toEqual(missing.map((m) => expect.objectContaining(m)));
    expect(codes(decision)).toEqual(expected);
  });
});

describe('approvals and the rest of the policy', () => {
  it('counts an approver only in roles bound on the request key', () => {
    const roles = [{ role: 'security', members: [{ user: 'sec1@acme.com' }], keys: ['soft://dev-*'] }];
    const policy = policyOf([{ name: 'prod', allow: {}, approvals: { require: [{ role: 'security' }] } }], { roles });
    expect(decide(policy, REQ, { approvals: [approval(SEC1, REQ, later(-HOUR))] }).effect).toBe('pending');
  });

  it('asks for no approvals when the rule fails on other conditions', () => {
    const policy = policyOf(
      [{ name: 'prod', allow: { formats: ['cms'] }, approvals: { require: [{ role: 'security' }] } }],
      { roles: ROLES },
    );
    expect(codes(decide(policy, REQ))).toEqual(['FORMAT', 'NO_MATCHING_RULE']);
  });

  it('prefers a later rule that allows outright over an earlier one waiting for approvals', () => {
    const policy = policyOf(
      [
        { name: 'with-approval', allow: {}, approvals: { require: [{ role: 'security' }] } },
        { name: 'outright', allow: {} },
      ],
      { roles: ROLES },
    );
    expect(decide(policy, REQ)).toMatchObject({ effect: 'allow', rule: 'outright' });
  });

  it('reports the first pending rule, in document order', () => {
    const policy = policyOf(
      [
        { name: 'one', allow: {}, approvals: { require: [{ role: 'security' }] } },
        { name: 'two', allow: {}, approvals: { require: [{ role: 'release-manager' }] } },
      ],
      { roles: ROLES },
    );
    expect(decide(policy, REQ, { now: NOW })).toMatchObject({ effect: 'pending', rule: 'one' });
  });
});

describe('approvalsMatter', () => {
  const policy = policyOf(
    [
      { name: 'dev', allow: { keys: ['soft://dev-*'] } },
      { name: 'prod', allow: { keys: ['soft://prod'] }, approvals: { require: [{ role: 'security', count: 1 }] } },
      { name: 'no-prod-tools', deny: { keys: ['soft://prod'], artifacts: ['*.sh'] } },
    ],
    { roles: ROLES },
  );

  it('holds for a key an allow rule with approvals covers, and not for others', () => {
    expect(approvalsMatter(policy, 'soft://prod')).toBe(true);
    expect(approvalsMatter(policy, 'soft://dev-a')).toBe(false);
    expect(approvalsMatter(policy, 'soft://elsewhere')).toBe(false);
  });

  it('agrees with evaluation: where approvals do not matter, any approvals leave the decision as it was', () => {
    const req = request({ principal: DEV, key: 'soft://dev-a' });
    const veto = approval(SEC1, req, NOW, 'deny');
    expect(decide(policy, req, { approvals: [veto] })).toEqual(decide(policy, req));
  });
});
