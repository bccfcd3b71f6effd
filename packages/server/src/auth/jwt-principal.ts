import { SignetError } from '@signet/sdk';
import type { CiClaims, Principal } from '@signet/sdk/signing';
import type { JWTPayload } from 'jose';

/** GitHub Actions' OIDC issuer: its tokens are CI workloads without further configuration. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** How a verified token's claims become a principal (the mapping part of an issuer's config). */
export interface ClaimMapping {
  issuer: string;
  kind?: 'user' | 'ci' | 'service';
  subjectClaim?: string;
  groupsClaim?: string;
}

/**
 * Maps verified claims to a {@link Principal}.
 *
 * @throws SignetError `UNAUTHENTICATED` (`claims`) when the subject claim is missing or not a string.
 */
export function principalFromClaims(payload: JWTPayload, mapping: ClaimMapping): Principal {
  const subject = payload[mapping.subjectClaim ?? 'sub'];
  if (typeof subject !== 'string' || subject === '') {
    throw new SignetError('UNAUTHENTICATED', `The token has no "${mapping.subjectClaim ?? 'sub'}" claim`, {
      details: { reason: 'claims' },
    });
  }
  const kind = mapping.kind ?? (mapping.issuer === GITHUB_ACTIONS_ISSUER ? 'ci' : 'user');
  const groups = mapping.groupsClaim ? stringList(payload[mapping.groupsClaim]) : undefined;
  return {
    subject,
    kind,
    issuer: mapping.issuer,
    authMethod: 'jwt',
    ...(groups ? { groups } : {}),
    ...(kind === 'ci' ? { ci: ciClaims(payload, mapping.issuer) } : {}),
  };
}

/** GitHub Actions claim names; other CI systems that use the same names map the same way. */
function ciClaims(payload: JWTPayload, issuer: string): CiClaims {
  const text = (name: string) => (typeof payload[name] === 'string' ? (payload[name] as string) : undefined);
  const claims: Record<string, string | undefined> = {
    issuer,
    repository: text('repository'),
    ref: text('ref'),
    // job_workflow_ref names the reusable workflow that actually runs, so it wins over the caller's.
    workflow: workflowPath(text('job_workflow_ref') ?? text('workflow_ref')),
    environment: text('environment'),
    event: text('event_name'),
    runnerEnvironment: text('runner_environment'),
    sha: text('sha'),
  };
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as CiClaims;
}

/** `acme/app/.github/workflows/release.yml@refs/tags/v1` → `.github/workflows/release.yml`. */
export function workflowPath(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const path = ref.split('@')[0]!;
  // owner/repo/<path>: the path starts after the second slash.
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(2).join('/') : undefined;
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}
