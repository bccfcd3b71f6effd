import { createHash } from 'node:crypto';
import type { SignatureAlgorithmId } from '../algorithms/algorithms.js';

/** Verified claims of a CI workload (GitHub Actions OIDC names; other CI systems map onto them). */
export interface CiClaims {
  /** Token issuer, e.g. `https://token.actions.githubusercontent.com`. */
  readonly issuer?: string;
  /** `owner/name`. */
  readonly repository?: string;
  /** `refs/tags/v1.2.3`, `refs/heads/main`. */
  readonly ref?: string;
  /** Workflow file path, e.g. `.github/workflows/release.yml`. */
  readonly workflow?: string;
  /** Deployment environment, e.g. `production`. */
  readonly environment?: string;
  /** Triggering event, e.g. `push`, `release`, `workflow_dispatch`. */
  readonly event?: string;
  /** `github-hosted` or `self-hosted`. */
  readonly runnerEnvironment?: string;
  /** Commit SHA. */
  readonly sha?: string;
}

/** Who asks: a person, a service account, an agent, a CI workload, or the local user (embedded). */
export interface Principal {
  /** Stable identifier within its issuer: OIDC `sub` or email, service account name, agent id. */
  readonly subject: string;
  readonly kind: 'user' | 'service' | 'agent' | 'ci' | 'local';
  /** Who vouches for the identity: an OIDC issuer URL, `signet` (API tokens, agents), `local`. */
  readonly issuer: string;
  /** How the identity was proven. */
  readonly authMethod: 'jwt' | 'api-token' | 'mtls' | 'local';
  /** Groups from the identity provider. */
  readonly groups?: readonly string[];
  /** Roles granted by the authenticator itself (API token scopes), in addition to the policy's bindings. */
  readonly roles?: readonly string[];
  /** Verified CI claims, for CI workloads. */
  readonly ci?: CiClaims;
}

/** One digest to sign, with what the signer knows of the artifact behind it. */
export interface SigningItem {
  /** The exact digest the key signs (of the artifact, or of a to-be-signed structure built around it). */
  readonly digest: Uint8Array;
  /** The artifact: its name and its own digest (hex), as audited and shown to approvers. */
  readonly artifact?: { readonly name?: string; readonly digest?: string };
}

/** Facts about the request that policy rules and approvers look at. */
export interface RequestMetadata {
  /** Signature format: `raw`, `cms`, `jar`, `pgp`, `authenticode`, `dsse`, ... */
  readonly format?: string;
  /** Application or project the artifact belongs to. */
  readonly application?: string;
  /** Why, in the requester's words (shown to approvers). */
  readonly reason?: string;
}

/** Everything the engine needs to decide, sign and record one request (one or many digests). */
export interface SigningRequest {
  readonly principal: Principal;
  /** Key URI. */
  readonly key: string;
  readonly algorithm: SignatureAlgorithmId;
  /** At least one digest; a batch is decided once and each signature is audited. */
  readonly items: readonly SigningItem[];
  readonly metadata?: RequestMetadata;
  /** The same key with the same request returns the same result; with another request it is refused. */
  readonly idempotencyKey?: string;
}

/**
 * A stable SHA-256 (hex) over everything an approval vouches for: requester, key, algorithm, every
 * digest and artifact, and the metadata. An approval carries this fingerprint, so approving one
 * request can never authorise another.
 */
export function requestFingerprint(request: SigningRequest): string {
  const canonical = {
    v: 1,
    requester: { issuer: request.principal.issuer, subject: request.principal.subject },
    key: request.key,
    algorithm: request.algorithm,
    items: request.items.map((i) => ({
      digest: Buffer.from(i.digest).toString('hex'),
      name: i.artifact?.name ?? null,
      artifactDigest: i.artifact?.digest ?? null,
    })),
    metadata: {
      format: request.metadata?.format ?? null,
      application: request.metadata?.application ?? null,
      reason: request.metadata?.reason ?? null,
    },
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
