import type { CiClaims } from '../signing/request.js';
import { compileGlobs, type Matcher } from './glob.js';
import type { CiConditions } from './schema.js';

/** One claim that did not match: what the workload has and what the policy wants. */
export interface ClaimMismatch {
  readonly claim: keyof CiClaims;
  readonly actual: string | undefined;
  readonly wanted: readonly string[];
}

/** Checks a workload's verified claims; returns the claims that do not match (empty: all match). */
export type CiMatcher = (claims: CiClaims | undefined) => ClaimMismatch[];

/**
 * Compiles CI conditions: every claim named must match one of its globs. A claim the workload
 * does not have never matches, so `ref: refs/tags/v*` refuses a token without a `ref`.
 *
 * @example
 * ```ts
 * const match = compileCi({ repository: ['acme/app'], ref: ['refs/tags/v*'] });
 * match({ repository: 'acme/app', ref: 'refs/heads/main' }) // [{ claim: 'ref', actual: 'refs/heads/main', ... }]
 * ```
 */
export function compileCi(conditions: CiConditions): CiMatcher {
  const checks: [keyof CiClaims, Matcher, readonly string[]][] = [];
  for (const [claim, patterns] of Object.entries(conditions) as [keyof CiClaims, string[] | undefined][]) {
    if (patterns) checks.push([claim, compileGlobs(patterns), patterns]);
  }
  return (claims) => {
    const mismatches: ClaimMismatch[] = [];
    for (const [claim, match, wanted] of checks) {
      const actual = claims?.[claim];
      if (actual === undefined || !match(actual)) mismatches.push({ claim, actual, wanted });
    }
    return mismatches;
  };
}

/** `ref is refs/heads/main (wants refs/tags/v*)` */
export function describeMismatch(m: ClaimMismatch): string {
  const actual = m.actual === undefined ? 'missing' : `is ${m.actual}`;
  return `${m.claim} ${actual} (wants ${m.wanted.join(' or ')})`;
}
