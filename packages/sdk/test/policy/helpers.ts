import {
  createPolicy,
  evaluatePolicy,
  requestFingerprint,
  type ApprovalRecord,
  type CertificateFacts,
  type Decision,
  type EvaluationInput,
  type Policy,
  type Principal,
  type SigningRequest,
} from '../../src/policy/index.js';

/** Wednesday 25 November 2026, 10:00 UTC (11:00 in Berlin). */
export const NOW = new Date('2026-11-25T10:00:00Z');
export const IDP = 'https://idp.acme.com';
export const GITHUB = 'https://token.actions.githubusercontent.com';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const at = (iso: string): Date => new Date(iso);
export const later = (ms: number, from = NOW): Date => new Date(from.getTime() + ms);

export function user(subject: string, extra: Partial<Principal> = {}): Principal {
  return { kind: 'user', subject, issuer: IDP, authMethod: 'jwt', ...extra };
}

/** A GitHub Actions workload: a release tag build of acme/app unless claims say otherwise. */
export function workload(claims: Principal['ci'] = {}): Principal {
  const ci = {
    issuer: GITHUB,
    repository: 'acme/app',
    ref: 'refs/tags/v1.4.0',
    workflow: '.github/workflows/release.yml',
    event: 'push',
    environment: 'production',
    runnerEnvironment: 'github-hosted',
    ...claims,
  };
  return { kind: 'ci', subject: `repo:${ci.repository}:ref:${ci.ref}`, issuer: GITHUB, authMethod: 'jwt', ci };
}

export const ALICE = user('alice@acme.com', { groups: ['release-managers'] });

export function request(overrides: Partial<SigningRequest> = {}): SigningRequest {
  return {
    principal: ALICE,
    key: 'soft://prod-release',
    algorithm: 'ecdsa-p256-sha256',
    items: [{ digest: new Uint8Array(32).fill(7), artifact: { name: 'app-1.4.0.jar' } }],
    metadata: { format: 'jar', application: 'app' },
    ...overrides,
  };
}

/** `n` items named `app-<i>.jar`. */
export const items = (n: number, name = (i: number) => `app-${i}.jar`): SigningRequest['items'] =>
  Array.from({ length: n }, (_, i) => ({ digest: new Uint8Array(32).fill(i), artifact: { name: name(i) } }));

/** A policy from its parts. Roles the rules name but `roles` does not bind are declared with no members. */
export function policyOf(rules: unknown[], parts: { roles?: unknown[]; keyGroups?: unknown } = {}): Policy {
  const roles = [...(parts.roles ?? [])] as { role: string }[];
  const named = JSON.stringify(rules).matchAll(/"roles":\[([^\]]*)\]|"role":"([^"]+)"/g);
  for (const [, list, one] of named) {
    for (const role of one ? [one] : (JSON.parse(`[${list}]`) as string[])) {
      if (!roles.some((b) => b.role === role)) roles.push({ role, members: [] } as never);
    }
  }
  return createPolicy({ version: 1, revision: 'test-1', rules, roles, keyGroups: parts.keyGroups });
}

export function decide(policy: Policy, req: SigningRequest, input: Partial<EvaluationInput> = {}): Decision {
  return evaluatePolicy(policy, req, { now: NOW, usage: () => 0, approvals: [], ...input });
}

export const codes = (decision: Decision): string[] => decision.reasons.map((r) => r.code);

export function approval(
  approver: Principal,
  req: SigningRequest,
  when: Date,
  decision: ApprovalRecord['decision'] = 'approve',
): ApprovalRecord {
  return { fingerprint: requestFingerprint(req), approver, decision, at: when };
}

export const CERT: CertificateFacts = {
  subject: 'CN=Acme Release',
  issuer: 'CN=Acme Code Signing CA 2, O=Acme',
  notBefore: at('2026-01-01T00:00:00Z'),
  notAfter: at('2027-01-01T00:00:00Z'),
  extendedKeyUsage: ['1.3.6.1.5.5.7.3.3'],
};
