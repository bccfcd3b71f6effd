import { describe, expect, it } from 'vitest';
import { resolveRoles, type Principal } from '../../src/policy/index.js';
import { ALICE, codes, decide, IDP, policyOf, request, user, workload } from './helpers.js';

const service = (subject: string): Principal => ({
  kind: 'service',
  subject,
  issuer: 'signet',
  authMethod: 'api-token',
});
const agent = (subject: string): Principal => ({ kind: 'agent', subject, issuer: 'signet', authMethod: 'mtls' });
const local = (subject: string): Principal => ({ kind: 'local', subject, issuer: 'local', authMethod: 'local' });

describe('role bindings', () => {
  describe.each<[string, unknown, Principal, string, boolean]>([
    ['a user by exact subject', { user: 'alice@acme.com' }, ALICE, 'soft://k', true],
    ['a user by glob', { user: '*@acme.com' }, user('bob@acme.com'), 'soft://k', true],
    ['a user from another domain', { user: '*@acme.com' }, user('eve@evil.com'), 'soft://k', false],
    ['a user vouched for by the named issuer', { user: 'alice@acme.com', issuer: IDP }, ALICE, 'soft://k', true],
    [
      'a user vouched for by another issuer',
      { user: 'alice@acme.com', issuer: 'https://other' },
      ALICE,
      'soft://k',
      false,
    ],
    ['a group member', { group: 'release-managers' }, ALICE, 'soft://k', true],
    ['someone outside the group', { group: 'security' }, ALICE, 'soft://k', false],
    ['a service identity', { service: 'build-bot' }, service('build-bot'), 'soft://k', true],
    ['a user named like the service', { service: 'build-bot' }, user('build-bot'), 'soft://k', false],
    ['an agent', { agent: 'agent-*' }, agent('agent-17'), 'soft://k', true],
    ['the local user', { local: '*' }, local('dev'), 'soft://k', true],
    [
      'a CI workload whose claims match',
      { ci: { repository: 'acme/app', ref: 'refs/tags/v*' } },
      workload(),
      'soft://k',
      true,
    ],
    [
      'a CI workload from another repository',
      { ci: { repository: 'acme/app' } },
      workload({ repository: 'acme/web' }),
      'soft://k',
      false,
    ],
    [
      'a CI workload on a branch',
      { ci: { ref: 'refs/tags/v*' } },
      workload({ ref: 'refs/heads/main' }),
      'soft://k',
      false,
    ],
    ['a user, for CI conditions', { ci: { repository: 'acme/app' } }, ALICE, 'soft://k', false],
  ])('%s', (_title, member, principal, key, holds) => {
    it(holds ? 'holds the role' : 'does not hold the role', () => {
      const policy = policyOf([], { roles: [{ role: 'signer', members: [member] }] });
      expect(resolveRoles(policy, principal, key)).toEqual(holds ? ['signer'] : []);
    });
  });

  it.each([
    ['soft://prod-1', ['prod-signer']],
    ['pkcs11:token=hsm;object=release-2026', ['prod-signer']],
    ['soft://dev-1', []],
  ])('binds a role on a key group only: on %s → %j', (key, roles) => {
    const policy = policyOf([], {
      keyGroups: { prod: ['soft://prod-*', 'pkcs11:*object=release*'] },
      roles: [{ role: 'prod-signer', members: [{ user: 'alice@acme.com' }], keys: ['group:prod'] }],
    });
    expect(resolveRoles(policy, ALICE, key)).toEqual(roles);
  });

  it('adds the roles the authenticator granted (API token scopes)', () => {
    const policy = policyOf([], { roles: [{ role: 'dev', members: [{ user: '*' }] }] });
    expect(resolveRoles(policy, { ...ALICE, roles: ['auditor'] }, 'soft://k')).toEqual(['auditor', 'dev']);
  });

  it('grants nothing through a rule for a role the requester lacks, and says so', () => {
    const policy = policyOf([{ name: 'prod', allow: { roles: ['release-manager'], keys: ['soft://prod-*'] } }]);
    const decision = decide(policy, request());
    expect(decision.effect).toBe('deny');
    expect(codes(decision)).toEqual(['ROLE', 'NO_MATCHING_RULE']);
    expect(decide(policy, request({ principal: { ...ALICE, roles: ['release-manager'] } })).effect).toBe('allow');
  });
});
