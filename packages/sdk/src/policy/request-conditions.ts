import type { SigningItem } from '../signing/request.js';
import { compileCi, describeMismatch } from './ci.js';
import { oneOf, type Condition } from './facts.js';
import { compileGlobs } from './glob.js';
import type { CiConditions, RuleTarget } from './schema.js';

/*
 * Conditions on what is asked: algorithm, digest, format, artifacts, application, CI origin. A fact
 * the request does not state never matches: an allow rule that names formats refuses a request
 * without one, and a deny rule that names formats does not fire on it.
 */

const name = (item: SigningItem): string => item.artifact?.name ?? '(unnamed)';

/** The conditions of an allow or deny target, besides its scope (roles and keys). */
export function targetConditions(target: RuleTarget, effect: 'allow' | 'deny'): Condition[] {
  const conditions: Condition[] = [];
  const { algorithms, digests, formats, artifacts, applications } = target;
  if (algorithms) {
    const allowed = new Set<string>(algorithms);
    conditions.push(({ request }) =>
      allowed.has(request.algorithm)
        ? undefined
        : { code: 'ALGORITHM', message: `algorithm ${request.algorithm} is not ${oneOf(algorithms)}` },
    );
  }
  if (digests) {
    const allowed = new Set<string>(digests);
    conditions.push(({ request, hash }) =>
      hash !== undefined && allowed.has(hash)
        ? undefined
        : {
            code: 'DIGEST',
            message: `${request.algorithm} signs a ${hash ?? 'unknown'} digest, not ${oneOf(digests)}`,
          },
    );
  }
  if (formats) {
    const allowed = new Set(formats);
    conditions.push(({ request }) => {
      const format = request.metadata?.format;
      if (format !== undefined && allowed.has(format)) return undefined;
      return { code: 'FORMAT', message: `format ${format ?? '(not stated)'} is not ${oneOf(formats)}` };
    });
  }
  if (artifacts) {
    const match = compileGlobs(artifacts);
    const fits = (item: SigningItem) => item.artifact?.name !== undefined && match(item.artifact.name);
    conditions.push(({ request }) => {
      // Allow: every artifact of a batch must fit. Deny: one fitting artifact is enough to refuse.
      if (effect === 'deny') {
        return request.items.some(fits) ? undefined : { code: 'ARTIFACT', message: 'no artifact matches' };
      }
      const misfits = request.items.filter((item) => !fits(item)).map(name);
      if (misfits.length === 0) return undefined;
      const shown = misfits.length > 5 ? [...misfits.slice(0, 5), `${misfits.length - 5} more`] : misfits;
      return { code: 'ARTIFACT', message: `artifact ${shown.join(', ')} does not match ${oneOf(artifacts)}` };
    });
  }
  if (applications) {
    const match = compileGlobs(applications);
    conditions.push(({ request }) => {
      const application = request.metadata?.application;
      if (application !== undefined && match(application)) return undefined;
      return {
        code: 'APPLICATION',
        message: `application ${application ?? '(not stated)'} does not match ${oneOf(applications)}`,
      };
    });
  }
  return conditions;
}

/** The rule's `ci` block: the requester must be a CI workload whose verified claims all match. */
export function ciCondition(conditions: CiConditions): Condition {
  const match = compileCi(conditions);
  return ({ request }) => {
    const claims = request.principal.ci;
    if (request.principal.kind !== 'ci' || claims === undefined) {
      return { code: 'CI_CLAIM', message: `the requester is a ${request.principal.kind}, not a CI workload` };
    }
    const mismatches = match(claims);
    if (mismatches.length === 0) return undefined;
    return { code: 'CI_CLAIM', message: `CI claims do not match: ${mismatches.map(describeMismatch).join('; ')}` };
  };
}
