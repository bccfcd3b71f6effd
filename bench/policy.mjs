// Policy decision latency for a policy of 1,000 rules: requests that an early rule allows, that only
// a late rule allows, that no rule allows (every reason collected), a key no rule covers, and a key
// seen for the first time (the per-key rule index is built on first use).
//
// Baseline: `requestFingerprint(request)`, the canonical JSON + SHA-256 that identifies a request.
// The engine computes it for every request anyway (request id, approvals), so the ratio says what
// a decision costs next to work each request already pays, measured in the same process.
import { createPolicy, evaluatePolicy, requestFingerprint } from '@signet/sdk/policy';
import { fmt, table } from './lib/measure.mjs';

const TEAMS = 50;
const RULES = 1_000;
const GITHUB = 'https://token.actions.githubusercontent.com';
const NOW = new Date('2026-11-25T10:00:00Z'); // a Wednesday, 11:00 in Berlin

/** A varied policy: per team a CI release rule, a developer rule, an approval rule, a freeze; org-wide rules. */
export function benchPolicyDocument(rules = RULES) {
  const roles = [];
  for (let t = 0; t < TEAMS; t++) {
    roles.push({ role: `team-${t}-dev`, members: [{ group: `team-${t}` }], keys: [`soft://team-${t}-dev-*`] });
    roles.push({
      role: `team-${t}-ci`,
      members: [{ ci: { repository: `acme/team-${t}-*` } }],
      keys: [`soft://team-${t}-prod-*`],
    });
    roles.push({ role: `team-${t}-lead`, members: [{ user: `lead-${t}@acme.com` }] });
  }
  roles.push({ role: 'security', members: [{ group: 'security' }] });
  const list = [];
  for (let i = 0; i < rules; i++) {
    const t = i % TEAMS;
    const name = `r${i}-team-${t}`;
    switch (Math.floor(i / TEAMS) % 5) {
      case 0:
        list.push({
          name,
          allow: {
            roles: [`team-${t}-ci`],
            keys: [`soft://team-${t}-prod-*`],
            algorithms: ['ecdsa-p256-sha256'],
            formats: ['jar', 'cms'],
            artifacts: ['*.jar'],
          },
          ci: { ref: 'refs/tags/v*', workflow: '.github/workflows/release.yml', event: ['push', 'release'] },
          certificate: { minDaysLeft: 14, requireCodeSigning: true },
          time: {
            windows: [
              { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '07:00', to: '20:00', timeZone: 'Europe/Berlin' },
            ],
          },
          quotas: [{ per: 'key', max: 1000, period: '1d' }],
        });
        break;
      case 1:
        list.push({
          name,
          allow: { roles: [`team-${t}-dev`], keys: [`soft://team-${t}-dev-*`] },
          quotas: [{ per: 'principal', max: 100, period: '1h' }],
        });
        break;
      case 2:
        list.push({
          name,
          allow: { roles: [`team-${t}-lead`], keys: [`soft://team-${t}-prod-*`], digests: ['sha256', 'sha384'] },
          approvals: {
            steps: [
              { role: 'security', count: 1 },
              { role: `team-${t}-lead`, count: 1 },
            ],
            expiresAfter: '8h',
          },
        });
        break;
      case 3:
        list.push({
          name,
          description: 'team freeze',
          deny: { keys: [`soft://team-${t}-prod-*`] },
          time: { windows: [{ days: ['sat', 'sun'], timeZone: 'Europe/Berlin' }] },
        });
        break;
      default:
        list.push({
          name,
          allow: { roles: ['security'], applications: [`team-${t}-*`] },
          time: { blackouts: [{ from: '2026-12-20T00:00:00Z', to: '2027-01-04T00:00:00Z' }] },
        });
    }
  }
  return { version: 1, revision: 'bench', roles, rules: list };
}

const digest = new Uint8Array(32).fill(1);
const workload = (team) => ({
  kind: 'ci',
  subject: `repo:acme/team-${team}-app:ref:refs/tags/v1.0.0`,
  issuer: GITHUB,
  authMethod: 'jwt',
  ci: {
    repository: `acme/team-${team}-app`,
    ref: 'refs/tags/v1.0.0',
    workflow: '.github/workflows/release.yml',
    event: 'push',
  },
});
const member = (team) => ({
  kind: 'user',
  subject: `dev@acme.com`,
  issuer: 'https://idp',
  authMethod: 'jwt',
  groups: [`team-${team}`],
});
const signing = (principal, key, extra = {}) => ({
  principal,
  key,
  algorithm: 'ecdsa-p256-sha256',
  items: [{ digest, artifact: { name: 'app-1.0.0.jar' } }],
  metadata: { format: 'jar', application: 'app' },
  ...extra,
});
const CERT = {
  subject: 'CN=r',
  issuer: 'CN=CA',
  notBefore: new Date('2026-01-01'),
  notAfter: new Date('2027-06-01'),
  extendedKeyUsage: ['1.3.6.1.5.5.7.3.3'],
};

/** Per-call latencies in microseconds, after a warm-up. */
function latencies(fn, samples) {
  for (let i = 0; i < 2_000; i++) fn(i);
  const out = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    fn(i);
    out[i] = Number(process.hrtime.bigint() - start) / 1_000;
  }
  out.sort();
  return { p50: out[Math.floor(samples * 0.5)], p99: out[Math.floor(samples * 0.99)] };
}

export async function benchPolicy({ samples = 20_000 } = {}) {
  const document = benchPolicyDocument();
  const started = performance.now();
  const policy = createPolicy(document);
  const compileMs = performance.now() - started;
  const input = { now: NOW, usage: () => 3, approvals: [], certificate: CERT };
  const cases = [
    ['allowed by an early rule (team 0 CI release)', signing(workload(0), 'soft://team-0-prod-app'), 'allow'],
    ['allowed by a late rule (team 49 developer)', signing(member(49), 'soft://team-49-dev-laptop'), 'allow'],
    [
      'allowed by the last rule (security, any key)',
      signing({ ...member(7), groups: ['security'] }, 'soft://team-7-dev-x', {
        metadata: { application: 'team-49-web' },
      }),
      'allow',
    ],
    ['denied: no rule allows (all reasons)', signing(member(3), 'soft://team-25-prod-app'), 'deny'],
    ['denied: no rule covers the key', signing(member(3), 'soft://unknown'), 'deny'],
  ];
  const baselineRequest = cases[0][1];
  const baseline = latencies(() => requestFingerprint(baselineRequest), samples);
  const results = { rules: document.rules.length, compileMs, baseline, cases: [] };
  const rows = [['baseline: requestFingerprint', '—', fmt(baseline.p50, 2), fmt(baseline.p99, 2), '1.00×']];
  for (const [label, request, expected] of cases) {
    const effect = evaluatePolicy(policy, request, input).effect;
    if (effect !== expected) throw new Error(`${label}: expected ${expected}, got ${effect}`);
    const measured = latencies(() => evaluatePolicy(policy, request, input), samples);
    results.cases.push({ label, effect, ...measured });
    rows.push([
      label,
      effect,
      fmt(measured.p50, 2),
      fmt(measured.p99, 2),
      `${(measured.p50 / baseline.p50).toFixed(2)}×`,
    ]);
  }
  // A key never seen before: its rule index is built from all 1,000 key matchers on this call.
  const cold = latencies(
    (i) => evaluatePolicy(policy, signing(member(5), `soft://team-5-dev-n${i}`), input),
    Math.min(samples, 5_000),
  );
  results.cases.push({ label: 'first request for a new key', effect: 'allow', ...cold });
  rows.push([
    'first request for a new key (index built)',
    'allow',
    fmt(cold.p50, 2),
    fmt(cold.p99, 2),
    `${(cold.p50 / baseline.p50).toFixed(2)}×`,
  ]);

  console.log(
    `\nPolicy decisions, ${document.rules.length} rules (compiled in ${fmt(compileMs, 1)} ms): latency per decision in µs\n`,
  );
  table(['request', 'verdict', 'p50 µs', 'p99 µs', 'p50 vs baseline'], rows);
  return results;
}
