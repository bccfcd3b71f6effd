import fc from 'fast-check';
import { listAlgorithms } from '../../src/algorithms/algorithms.js';
import {
  requestFingerprint,
  type ApprovalRecord,
  type Principal,
  type SigningRequest,
  type UsageQuery,
} from '../../src/policy/index.js';
import { GITHUB, IDP, NOW } from './helpers.js';

/*
 * Generators of valid policy documents, requests and approvals, drawn from small vocabularies so
 * that rules, requests and approvers meet often.
 */

export const ROLES = ['dev', 'sec', 'rm', 'ci'] as const;
export const KEYS = ['soft://prod-1', 'soft://prod-2', 'soft://dev-1', 'pkcs11:token=h;object=release'];
const KEY_PATTERNS = ['soft://prod-*', 'soft://dev-*', 'pkcs11:*', 'group:prod', '*', 'soft://prod-1'];
const ALGORITHMS = listAlgorithms().map((a) => a.id);
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const some = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });

const member = fc.oneof(
  fc.record({ user: fc.constantFrom('alice@acme.com', '*@acme.com', 'bob@acme.com') }),
  fc.record({ group: fc.constantFrom('security', 'release') }),
  fc.record({ service: fc.constantFrom('bot', '*') }),
  fc.record({ ci: fc.record({ repository: fc.constantFrom('acme/app', 'acme/*') }) }),
);
const binding = fc.record(
  { role: fc.constantFrom(...ROLES), members: fc.array(member, { maxLength: 3 }), keys: some(KEY_PATTERNS) },
  { requiredKeys: ['role', 'members'] },
);
/** An object whose fields are each present with probability 1/(1 + rarity): rules that mostly match. */
function sparse<T extends Record<string, fc.Arbitrary<unknown>>>(fields: T, rarity = 3) {
  const entries = Object.entries(fields).map(([name, arb]) =>
    fc
      .oneof({ weight: rarity, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb })
      .map((v) => [name, v] as const),
  );
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)));
}

const target = sparse({
  roles: some(ROLES),
  keys: some(KEY_PATTERNS),
  algorithms: some(ALGORITHMS),
  digests: some(['sha256', 'sha384', 'sha512']),
  formats: some(['jar', 'cms', 'raw']),
  artifacts: some(['*.jar', '*.exe', 'app-*']),
});
const ci = fc.record({ ref: fc.constantFrom('refs/tags/v*', 'refs/heads/main') });
const window = sparse(
  {
    days: some(DAYS),
    from: fc.constantFrom('00:00', '08:00', '22:00'),
    to: fc.constantFrom('06:00', '18:00', '24:00'),
    timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York'),
  },
  1,
);
const step = fc.record({ role: fc.constantFrom(...ROLES), count: fc.integer({ min: 1, max: 2 }) });
const approvals = fc.oneof(
  fc.record({ require: fc.array(step, { minLength: 1, maxLength: 2 }), expiresAfter: fc.constantFrom('1h', '24h') }),
  fc.record({ steps: fc.array(step, { minLength: 1, maxLength: 2 }), expiresAfter: fc.constantFrom('1h', '24h') }),
);
const quota = fc.record({
  per: fc.constantFrom('key', 'principal', 'rule'),
  max: fc.integer({ min: 2, max: 8 }),
  period: fc.constantFrom('1h', '1d'),
});
const windows = (max: number) => fc.record({ windows: fc.array(window, { minLength: 1, maxLength: max }) });
const allowRule = fc
  .tuple(
    target,
    sparse({ ci, time: windows(2), quotas: fc.array(quota, { maxLength: 2 }) }, 4),
    sparse({ approvals }, 1),
  )
  .map(([allow, rest, more]) => ({ allow, ...rest, ...more }));
const denyRule = fc.tuple(target, sparse({ ci, time: windows(1) }, 2)).map(([deny, rest]) => ({ deny, ...rest }));

/** A valid policy document: every role it names is declared. */
export const policyDocument = fc
  .record({
    bindings: fc.array(binding, { maxLength: 5 }),
    rules: fc.array(fc.oneof({ arbitrary: allowRule, weight: 3 }, { arbitrary: denyRule, weight: 1 }), {
      maxLength: 8,
    }),
  })
  .map(({ bindings, rules }) => ({
    version: 1,
    revision: 'prop',
    keyGroups: { prod: ['soft://prod-*', 'pkcs11:*'] },
    roles: [...bindings, ...ROLES.map((role) => ({ role, members: [] }))],
    rules: rules.map((rule, i) => ({ name: `r${i}`, ...rule })),
  }));

const users = ['alice@acme.com', 'bob@acme.com', 'carol@acme.com', 'dave@other.org'];
export const person: fc.Arbitrary<Principal> = fc.record({
  kind: fc.constant('user' as const),
  subject: fc.constantFrom(...users),
  issuer: fc.constant(IDP),
  authMethod: fc.constant('jwt' as const),
  groups: fc.subarray(['security', 'release']),
  roles: fc.subarray([...ROLES], { maxLength: 2 }),
});
const workload: fc.Arbitrary<Principal> = fc
  .record({
    repository: fc.constantFrom('acme/app', 'acme/web'),
    ref: fc.constantFrom('refs/tags/v1', 'refs/heads/main'),
  })
  .map((claims) => ({
    kind: 'ci',
    subject: `repo:${claims.repository}`,
    issuer: GITHUB,
    authMethod: 'jwt',
    ci: claims,
  }));

export const signingRequest: fc.Arbitrary<SigningRequest> = fc.record({
  principal: fc.oneof(person, workload),
  key: fc.constantFrom(...KEYS),
  algorithm: fc.constantFrom(...ALGORITHMS),
  items: fc.array(
    fc.record({
      digest: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      artifact: fc.record({ name: fc.constantFrom('app-1.jar', 'x.exe') }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  metadata: fc.record({ format: fc.constantFrom('jar', 'cms', 'raw') }, { requiredKeys: [] }),
});

/** Approvals and denials of `request` by generated people, made in the 30 hours before now. */
export const approvalsOf = (request: SigningRequest, max = 5): fc.Arbitrary<ApprovalRecord[]> =>
  fc
    .array(
      fc.record({
        approver: person,
        decision: fc.oneof(
          { weight: 6, arbitrary: fc.constant('approve' as const) },
          { weight: 1, arbitrary: fc.constant('deny' as const) },
        ),
        ago: fc.integer({ min: 0, max: 30 * 3_600_000 }),
      }),
      { maxLength: max },
    )
    .map((list) =>
      list.map(({ approver, decision, ago }) => ({
        fingerprint: requestFingerprint(request),
        approver,
        decision,
        at: new Date(NOW.getTime() - ago),
      })),
    );

/** A pure usage function: the count depends only on the query. */
export const usage = (query: UsageQuery): number => (query.rule ? 2 : query.principal ? 1 : query.key ? 3 : 0);
