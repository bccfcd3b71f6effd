import { z } from 'zod';
import { ciConditions, expected, isObjectPayload, list, member, name, pattern } from './schema-parts.js';
import { approvals, certificate, quota, target, time } from './schema-rule.js';

/*
 * The policy document, format version 1. Strict everywhere: an unknown field is a typo until
 * proven otherwise, and a typo in a signing policy must not silently widen it.
 */

/** Conditions only an allow rule can carry: a deny rule says when to refuse, not what must hold. */
const ALLOW_ONLY = ['certificate', 'quotas', 'approvals'] as const;

const rule = z
  .strictObject({
    name,
    description: z.string().optional(),
    allow: target.optional(),
    deny: target.optional(),
    ci: ciConditions.optional(),
    certificate: certificate.optional(),
    time: time.optional(),
    quotas: z.array(quota).optional(),
    approvals: approvals.optional(),
  })
  .superRefine(
    (r, ctx) => {
      if ((r.allow === undefined) === (r.deny === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'expected exactly one of allow or deny', path: [] });
      }
      if (r.deny === undefined) return;
      for (const field of ALLOW_ONLY) {
        if (r[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `a deny rule cannot have ${field}; put it on an allow rule`,
          });
        }
      }
      for (const field of ['blackouts', 'releaseWindow'] as const) {
        if (r.time?.[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['time', field],
            message: `a deny rule cannot have ${field}; use windows`,
          });
        }
      }
    },
    { when: isObjectPayload },
  );

const binding = z.strictObject({
  role: name,
  description: z.string().optional(),
  members: z.array(member).default([]),
  /** Only on these keys (globs or `group:NAME`); every key when absent. */
  keys: list(pattern, 'a key URI pattern or group:NAME').optional(),
});

/** Policy document format 1. */
export const policySchema = z.strictObject({
  version: z.literal(1, expected('1 (the policy format this Signet reads)')),
  revision: z.string(expected('a string; quote it, like "2026-11-27.1"')).min(1, expected('a revision')),
  description: z.string().optional(),
  keyGroups: z.record(z.string(), list(pattern, 'a key URI pattern')).optional(),
  roles: z.array(binding).default([]),
  rules: z.array(rule),
});

/** A policy document as validated: lists normalised, defaults filled in. */
export type PolicyDocument = z.output<typeof policySchema>;
export type PolicyRule = PolicyDocument['rules'][number];
export type RoleBinding = PolicyDocument['roles'][number];
export type RuleTarget = z.output<typeof target>;
export type CiConditions = z.output<typeof ciConditions>;
export type RoleMember = z.output<typeof member>;
export type TimeConditions = z.output<typeof time>;
export type CertificateConditions = z.output<typeof certificate>;
export type Quota = z.output<typeof quota>;
export type ApprovalConditions = z.output<typeof approvals>;
