import type { Principal, SigningRequest } from '../signing/request.js';

/** Why a rule did or did not apply. `code` is stable; `message` is for people. */
export interface Reason {
  /** The rule the reason comes from; absent for policy-wide reasons (default deny). */
  readonly rule?: string;
  readonly code: ReasonCode;
  readonly message: string;
}

export type ReasonCode =
  | 'ALLOWED'
  | 'EXPLICIT_DENY'
  | 'NO_MATCHING_RULE'
  | 'ROLE'
  | 'KEY'
  | 'ALGORITHM'
  | 'DIGEST'
  | 'FORMAT'
  | 'ARTIFACT'
  | 'APPLICATION'
  | 'CI_CLAIM'
  | 'TIME_WINDOW'
  | 'BLACKOUT'
  | 'RELEASE_WINDOW'
  | 'QUOTA'
  | 'CERTIFICATE_MISSING'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'CERTIFICATE_EXPIRES_SOON'
  | 'CERTIFICATE_EKU'
  | 'CERTIFICATE_ISSUER'
  | 'APPROVAL_DENIED'
  | 'APPROVAL_MISSING'
  /** An approval for this request that does not count (own, expired, wrong role, out of step order). */
  | 'APPROVAL_IGNORED';

/** One approval step still open: who must approve, and how many more. */
export interface MissingApproval {
  readonly rule: string;
  /** 0-based step index (steps are ordered). */
  readonly step: number;
  readonly role: string;
  readonly required: number;
  readonly remaining: number;
}

/** The outcome of evaluating one request against a policy. Pure data, safe to log and show. */
export type Decision =
  | {
      readonly effect: 'allow';
      readonly rule: string;
      readonly policyVersion: string;
      readonly reasons: readonly Reason[];
      /** Who approved (`principalId`s, in the order counted), when the rule required approvals. */
      readonly approvedBy?: readonly string[];
    }
  | { readonly effect: 'deny'; readonly policyVersion: string; readonly reasons: readonly Reason[] }
  | {
      readonly effect: 'pending';
      readonly rule: string;
      readonly policyVersion: string;
      readonly missing: readonly MissingApproval[];
      /** What is missing, in words (`APPROVAL_MISSING`), and approvals that did not count (`APPROVAL_IGNORED`). */
      readonly reasons: readonly Reason[];
      /** When the first approval counted so far expires (absent while none counts). */
      readonly expiresAt?: Date;
    };

/** An approver's word on one request, bound to its fingerprint. */
export interface ApprovalRecord {
  /** `requestFingerprint(request)` of the request approved or denied. */
  readonly fingerprint: string;
  readonly approver: Principal;
  readonly decision: 'approve' | 'deny';
  readonly at: Date;
  readonly comment?: string;
}

/** A count of past signatures the policy needs (quotas, release windows). */
export interface UsageQuery {
  /** Count only signatures with this key URI. */
  readonly key?: string;
  /** Count only signatures requested by this principal (`issuer|subject`). */
  readonly principal?: string;
  /** Count only signatures allowed by this rule. */
  readonly rule?: string;
  /** Start of the period, inclusive. */
  readonly since: Date;
  /** End of the period, exclusive. Default: now. */
  readonly until?: Date;
}

/** The certificate facts certificate rules look at (from `describeCertificate`). */
export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extendedKeyUsage: readonly string[];
}

/**
 * Everything besides the request that a decision depends on. Evaluation is pure: the same
 * request and input always give the same decision.
 */
export interface EvaluationInput {
  readonly now: Date;
  /** Past signatures matching a query. Must be a pure function of its argument during one evaluation. */
  readonly usage: (query: UsageQuery) => number;
  /** Approvals and denials recorded for this request (others are ignored by fingerprint). */
  readonly approvals: readonly ApprovalRecord[];
  /** The key's leaf certificate, if it has one. */
  readonly certificate?: CertificateFacts;
}

/** The `principal` key used in usage queries and audit events. */
export function principalId(principal: Pick<Principal, 'issuer' | 'subject'>): string {
  return `${principal.issuer}|${principal.subject}`;
}

export type { SigningRequest };
