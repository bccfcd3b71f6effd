import { describe, expect, it } from 'vitest';
import type { SigningRequest } from '../../src/policy/index.js';
import { ALICE, codes, decide, items, policyOf, request, workload } from './helpers.js';

/** One allow rule with `target` and `extra`; the request is `request(overrides)`. */
function verdict(target: object, overrides: Partial<SigningRequest>, extra: object = {}) {
  const decision = decide(policyOf([{ name: 'r', allow: target, ...extra }]), request(overrides));
  return { effect: decision.effect, codes: codes(decision).filter((c) => c !== 'NO_MATCHING_RULE' && c !== 'ALLOWED') };
}

describe('an allow rule on what is asked', () => {
  it.each<[string, object, Partial<SigningRequest>, string, string[]]>([
    ['a key in its key list', { keys: ['soft://prod-*'] }, {}, 'allow', []],
    ['a key outside its key list', { keys: ['soft://dev-*'] }, {}, 'deny', []],
    ['an allowed algorithm', { algorithms: ['ecdsa-p256-sha256'] }, {}, 'allow', []],
    ['another algorithm', { algorithms: ['rsa-pss-sha256'] }, {}, 'deny', ['ALGORITHM']],
    ['an algorithm hashing with an allowed digest', { digests: ['sha256', 'sha384'] }, {}, 'allow', []],
    ['an algorithm hashing with another digest', { digests: ['sha384', 'sha512'] }, {}, 'deny', ['DIGEST']],
    ['an allowed format', { formats: ['jar', 'cms'] }, {}, 'allow', []],
    ['another format', { formats: ['cms'] }, {}, 'deny', ['FORMAT']],
    ['no stated format', { formats: ['jar'] }, { metadata: {} }, 'deny', ['FORMAT']],
    ['every artifact of a batch matching', { artifacts: ['*.jar'] }, { items: items(3) }, 'allow', []],
    [
      'one artifact of a batch not matching',
      { artifacts: ['*.jar'] },
      { items: items(3, (i) => (i === 1 ? 'x.exe' : `a${i}.jar`)) },
      'deny',
      ['ARTIFACT'],
    ],
    ['an unnamed artifact', { artifacts: ['*'] }, { items: [{ digest: new Uint8Array(32) }] }, 'deny', ['ARTIFACT']],
    ['an allowed application', { applications: ['app', 'web-*'] }, {}, 'allow', []],
    ['another application', { applications: ['web-*'] }, {}, 'deny', ['APPLICATION']],
    [
      'several failing conditions',
      { algorithms: ['rsa-pss-sha256'], formats: ['cms'], artifacts: ['*.exe'] },
      {},
      'deny',
      ['ALGORITHM', 'FORMAT', 'ARTIFACT'],
    ],
  ])('%s', (_title, target, overrides, effect, expected) => {
    expect(verdict(target, overrides)).toEqual({ effect, codes: expected });
  });
});

describe('an allow rule on the CI origin', () => {
  const release = { repository: 'acme/app', ref: 'refs/tags/v*', workflow: '.github/workflows/release.yml' };
  it.each<[string, object, Partial<SigningRequest>, string, string[]]>([
    ['a tag build of the release workflow', release, { principal: workload() }, 'allow', []],
    ['a branch build', release, { principal: workload({ ref: 'refs/heads/main' }) }, 'deny', ['CI_CLAIM']],
    [
      'another workflow',
      release,
      { principal: workload({ workflow: '.github/workflows/ci.yml' }) },
      'deny',
      ['CI_CLAIM'],
    ],
    ['another repository', release, { principal: workload({ repository: 'acme/fork' }) }, 'deny', ['CI_CLAIM']],
    [
      'a workload without the claim',
      { environment: 'production' },
      { principal: workload({ environment: undefined }) },
      'deny',
      ['CI_CLAIM'],
    ],
    ['the right environment', { environment: ['production', 'staging'] }, { principal: workload() }, 'allow', []],
    [
      'the right issuer',
      { issuer: 'https://token.actions.githubusercontent.com' },
      { principal: workload() },
      'allow',
      [],
    ],
    [
      'a pull request event',
      { event: ['push', 'release'] },
      { principal: workload({ event: 'pull_request' }) },
      'deny',
      ['CI_CLAIM'],
    ],
    [
      'a self-hosted runner',
      { runnerEnvironment: 'github-hosted' },
      { principal: workload({ runnerEnvironment: 'self-hosted' }) },
      'deny',
      ['CI_CLAIM'],
    ],
    ['a person', release, { principal: ALICE }, 'deny', ['CI_CLAIM']],
  ])('%s', (_title, ci, overrides, effect, expected) => {
    expect(verdict({}, overrides, { ci })).toEqual({ effect, codes: expected });
  });

  it('names every claim that does not match in one reason', () => {
    const decision = decide(
      policyOf([{ name: 'r', allow: {}, ci: release }]),
      request({ principal: workload({ ref: 'refs/heads/x', workflow: 'w' }) }),
    );
    expect(decision.reasons[0]!.message).toMatch(/ref is refs\/heads\/x .*workflow is w/);
  });
});

describe('a deny rule on what is asked', () => {
  it.each<[string, object, Partial<SigningRequest>, string]>([
    [
      'refuses a batch with one matching artifact',
      { artifacts: ['*.exe'] },
      { items: items(3, (i) => (i === 2 ? 'x.exe' : 'a.jar')) },
      'deny',
    ],
    ['lets a batch with none pass', { artifacts: ['*.exe'] }, { items: items(3) }, 'allow'],
    ['refuses a listed algorithm', { algorithms: ['ecdsa-p256-sha256'] }, {}, 'deny'],
    ['does not fire on a fact the request leaves out', { formats: ['raw'] }, { metadata: {} }, 'allow'],
  ])('%s', (_title, target, overrides, effect) => {
    const policy = policyOf([
      { name: 'no', deny: target },
      { name: 'yes', allow: {} },
    ]);
    expect(decide(policy, request(overrides)).effect).toBe(effect);
  });
});
