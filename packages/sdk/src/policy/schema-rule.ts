import { z } from 'zod';
import { listAlgorithms } from '../algorithms/algorithms.js';
import {
  day,
  duration,
  expected,
  isObjectPayload,
  list,
  name,
  pattern,
  period,
  timeOfDay,
  timeZone,
} from './schema-parts.js';

/* The blocks a rule is made of: its target, time, certificate, quota and approval conditions. */

const ALGORITHM_IDS = listAlgorithms().map((a) => a.id) as [string, ...string[]];

/** Who a rule is for and what the request must look like. */
export const target = z.strictObject({
  roles: list(name, 'a role name').optional(),
  /** Key URI globs, or `group:NAME` for a key group. */
  keys: list(pattern, 'a key URI pattern or group:NAME').optional(),
  algorithms: list(
    z.enum(ALGORITHM_IDS, expected(`an algorithm: ${ALGORITHM_IDS.join(', ')}`)),
    'an algorithm',
  ).optional(),
  digests: list(z.enum(['sha256', 'sha384', 'sha512'], expected('sha256, sha384 or sha512')), 'a digest').optional(),
  formats: list(pattern, 'a format like jar or cms').optional(),
  artifacts: list(pattern, 'an artifact name pattern like *.jar').optional(),
  applications: list(pattern, 'an application name pattern').optional(),
});

export const window = z
  .strictObject({
    days: list(day, 'a day').optional(),
    /** Start, inclusive, in `timeZone`. A window whose `to` is before its `from` runs past midnight. */
    from: timeOfDay.optional(),
    /** End, exclusive; `24:00` is the end of the day. */
    to: timeOfDay.optional(),
    timeZone: timeZone.optional(),
  })
  .refine((w) => w.from === undefined || w.from !== w.to, {
    error: (issue) => `expected "to" to differ from "from", got both ${(issue.input as { to: string }).to}`,
    path: ['to'],
  });

export const time = z.strictObject({
  /** When signing may happen (allow rules) or is refused (deny rules). */
  windows: z.array(window).min(1).optional(),
  blackouts: z.array(period({ reason: z.string().optional() })).optional(),
  releaseWindow: period({ maxSignatures: z.int().min(1), reason: z.string().optional() }).optional(),
});

export const certificate = z.strictObject({
  minDaysLeft: z.int().min(0).optional(),
  requireCodeSigning: z.boolean().optional(),
  /** Issuer distinguished-name globs, as `describeCertificate` prints them: `CN=Acme CA, O=Acme`. */
  issuers: list(pattern, 'an issuer name pattern').optional(),
});

export const quota = z.strictObject({
  per: z.enum(['key', 'principal', 'rule']),
  max: z.int().min(1),
  period: duration,
});

export const approvalStep = z.strictObject({ role: name, count: z.int().min(1).default(1) });

export const approvals = z
  .strictObject({
    /** Every entry must be satisfied, in any order. */
    require: z.array(approvalStep).min(1).optional(),
    /** Entries are satisfied one after another: a step counts approvals given after the previous completed. */
    steps: z.array(approvalStep).min(1).optional(),
    expiresAfter: duration.default('24h'),
  })
  .refine((a) => (a.require === undefined) !== (a.steps === undefined), {
    error: 'expected exactly one of require (any order) or steps (in order)',
    when: isObjectPayload,
  });
