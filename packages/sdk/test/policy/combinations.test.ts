import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy, type CertificateFacts, type Principal, type SigningRequest } from '../../src/policy/index.js';
import {
  ALICE,
  approval,
  at,
  CERT,
  codes,
  DAY,
  decide,
  HOUR,
  items,
  later,
  policyOf,
  request,
  user,
  workload,
} from './helpers.js';

describe('rules together', () => {
  it('lets an explicit deny beat an allow', () => {
    const policy = policyOf([
      { name: 'yes', allow: {} },
      { name: 'no', deny: { keys: ['soft://prod-*'] } },
    ]);
    expect(decide(policy, request())).toEqual({
      effect: 'deny',
      policyVersion: 'test-1',
      reasons: [{ rule: 'no', code: 'EXPLICIT_DENY', message: 'denied by rule no' }],
    });
  });

  it.each([
    ['a key outside its keys', { keys: ['soft://dev-*'] }, {}, 'allow'],
    ['a role the requester lacks', { roles: ['contractor'] }, {}, 'allow'],
    [
      'a role the requester holds',
      { roles: ['contractor'] },
      { principal: { ...ALICE, roles: ['contractor'] } },
      'deny',
    ],
    ['a condition that does not hold', { formats: ['raw'] }, {}, 'allow'],
  ])('lets a deny rule scoped to %s decide only within its scope', (_title, deny, overrides, effect) => {
    const policy = policyOf([
      { name: 'no', deny },
      { name: 'yes', allow: {} },
    ]);
    expect(decide(policy, request(overrides)).effect).toBe(effect);
  });

  it('collects every firing deny rule', () => {
    const policy = policyOf([
      { name: 'a', deny: {} },
      { name: 'b', deny: { algorithms: ['ecdsa-p256-sha256'] } },
      { name: 'ok', allow: {} },
    ]);
    expect(decide(policy, request()).reasons.map((r) => r.rule)).toEqual(['a', 'b']);
  });

  it('denies by default, with the reasons of every rule that came close', () => {
    const policy = policyOf([
      { name: 'jar', allow: { formats: ['cms'], artifacts: ['*.exe'] } },
      { name: 'ops', allow: { roles: ['ops'] } },
      { name: 'dev', allow: { keys: ['soft://dev-*'] } },
    ]);
    const decision = decide(policy, request());
    expect(decision.reasons.map((r) => [r.rule, r.code])).toEqual([
      ['jar', 'FORMAT'],
      ['jar', 'ARTIFACT'],
      [undefined, 'ROLE'], // one reason for every rule on the key that is for other roles
      [undefined, 'NO_MATCHING_RULE'],
    ]);
    expect(decision.reasons[2]!.message).toMatch(/rule ops on it is for ops$/);
  });

  it('says when no allow rule covers the key at all', () => {
    const decision = decide(policyOf([{ name: 'dev', allow: { keys: ['soft://dev-*'] } }]), request());
    expect(decision.reasons).toEqual([
      { code: 'NO_MATCHING_RULE', message: expect.stringContaining('soft://prod-release') },
    ]);
  });

  it('reports the first granting rule in document order, with the policy revision', () => {
    const policy = policyOf([
      { name: 'first', allow: { formats: ['cms'] } },
      { name: 'second', allow: {} },
      { name: 'third', allow: {} },
    ]);
    expect(decide(policy, request())).toEqual({
      effect: 'allow',
      rule: 'second',
      policyVersion: 'test-1',
      reasons: [{ rule: 'second', code: 'ALLOWED', message: 'allowed by rule second' }],
    });
  });

  it('denies everything with an empty rule list', () => {
    expect(codes(decide(policyOf([]), request()))).toEqual(['NO_MATCHING_RULE']);
  });
});

describe('the release policy of docs/policy.md', () => {
  // The first YAML block of the user doc: the policy users copy is the one tested here.
  const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'policy.md'), 'utf8');
  const policy = parsePolicy(/```yaml\n([\s\S]*?)```/.exec(doc)![1]!, { source: 'docs/policy.md' });
  const SEC = [user('sec1@acme.com', { groups: ['security'] }), user('sec2@acme.com', { groups: ['security'] })];
  const CAROL = user('carol@acme.com');
  const tag: SigningRequest = request({ principal: workload(), key: 'soft://prod-release' });
  const approved = (req: SigningRequest) =>
    [...SEC, CAROL].map((p, i) => approval(p, req, later(-3 * HOUR + i * HOUR, at('2026-12-02T10:00:00Z'))));
  const wednesday = at('2026-12-02T10:00:00Z');

  it.each<[string, SigningRequest, Date, CertificateFacts | undefined, boolean, string, string[]]>([
    ['a tag build, approved, on a weekday', tag, wednesday, CERT, true, 'allow', ['ALLOWED']],
    ['a tag build without approvals', tag, wednesday, CERT, false, 'pending', ['APPROVAL_MISSING', 'APPROVAL_MISSING']],
    [
      'a branch build',
      { ...tag, principal: workload({ ref: 'refs/heads/main' }) },
      wednesday,
      CERT,
      true,
      'deny',
      ['CI_CLAIM', 'NO_MATCHING_RULE'],
    ],
    ['a tag build on Saturday', tag, at('2026-12-05T10:00:00Z'), CERT, true, 'deny', ['EXPLICIT_DENY']],
    [
      'a tag build during the freeze',
      tag,
      at('2026-12-22T10:00:00Z'),
      CERT,
      true,
      'deny',
      ['BLACKOUT', 'CERTIFICATE_EXPIRES_SOON', 'RELEASE_WINDOW', 'NO_MATCHING_RULE'],
    ],
    [
      'a tag build with a certificate about to expire',
      tag,
      wednesday,
      { ...CERT, notAfter: later(5 * DAY, wednesday) },
      true,
      'deny',
      ['CERTIFICATE_EXPIRES_SOON', 'NO_MATCHING_RULE'],
    ],
    [
      'a person on the prod key',
      { ...tag, principal: ALICE },
      wednesday,
      CERT,
      true,
      'deny',
      ['ROLE', 'NO_MATCHING_RULE'],
    ],
    [
      'a person on a dev key',
      { ...tag, principal: user('dev@acme.com'), key: 'soft://dev-laptop', algorithm: 'rsa-pss-sha256' },
      wednesday,
      undefined,
      false,
      'allow',
      ['ALLOWED'],
    ],
    [
      'a batch of 150 in the release window',
      { ...tag, items: items(150) },
      wednesday,
      CERT,
      true,
      'allow',
      ['ALLOWED'],
    ],
  ])('%s', (_title, req, now, certificate, withApprovals, effect, expected) => {
    const decision = decide(policy, req, {
      now,
      ...(certificate ? { certificate } : {}),
      approvals: withApprovals ? approved(req) : [],
      usage: (q) => (q.rule === 'prod-release' ? 150 : 0),
    });
    expect([decision.effect, codes(decision)]).toEqual([effect, expected]);
  });

  it('refuses a batch that would overrun the release window', () => {
    const req = { ...tag, items: items(351) } as SigningRequest;
    const decision = decide(policy, req, {
      now: wednesday,
      certificate: CERT,
      approvals: approved(req),
      usage: () => 150,
    });
    expect(codes(decision)).toContain('RELEASE_WINDOW');
  });

  it('binds the CI role to the workload, not to a person with the same name', () => {
    const impostor: Principal = { ...ALICE, subject: workload().subject };
    expect(decide(policy, { ...tag, principal: impostor }, { now: wednesday, certificate: CERT }).effect).toBe('deny');
  });
});
