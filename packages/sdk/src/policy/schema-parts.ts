import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';
import { show } from './problems.js';

/*
 * The small pieces of the policy schema: names, patterns, durations, times. Every custom message
 * reads "expected …, got …", so a problem line tells a person what to write instead.
 */

/** A zod `error` option that says what was expected and shows what was found. */
export const expected = (what: string) => ({
  error: (issue: { input?: unknown }) => `expected ${what}, got ${show(issue.input)}`,
});

/** Role, rule and key group names: they appear in reasons, logs and `group:NAME` references. */
export const NAME_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const name = z.string().regex(NAME_PATTERN, expected("a name of letters, digits, '.', '_' or '-'"));

/** A glob (`*` matches anything); see `compileGlob`. */
export const pattern = z.string().min(1, expected('a non-empty pattern'));

/** A list, or one item standing for a list of one: `keys: group:prod` reads as well as `[group:prod]`. */
export function list<T extends z.ZodType>(item: T, what: string) {
  return z.preprocess(
    (value) => (typeof value === 'string' ? [value] : value),
    z.array(item, expected(`${what}, or a list of them`)).min(1, expected(`at least one ${what}`)),
  );
}

export const duration = z.string().regex(DURATION_PATTERN, expected('a duration like 30m, 24h or 7d'));

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** An instant: ISO 8601 with its offset, since a policy read in another zone must mean the same moment. */
export const instant = z
  .string(expected('a date-time with a zone, like 2026-12-20T00:00:00Z'))
  .regex(INSTANT, expected('a date-time with a zone, like 2026-12-20T00:00:00Z or 2026-12-20T08:00+01:00'))
  .refine((text) => !Number.isNaN(Date.parse(text)), expected('a real date-time'));

export const timeOfDay = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, expected('a time of day like 08:00'));

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const day = z.enum(DAYS, expected(`a day: ${DAYS.join(', ')}`));

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export const timeZone = z.string().refine(isTimeZone, expected('a time zone like UTC or Europe/Berlin'));

type Instants = { from: string; to: string };

/** A period between two instants, `from` inclusive and `to` exclusive. */
export const period = <T extends z.ZodRawShape>(extra: T) =>
  z
    .strictObject({ from: instant, to: instant, ...extra })
    .refine((p) => Date.parse((p as Instants).from) < Date.parse((p as Instants).to), {
      error: (issue) => {
        const p = issue.input as Instants;
        return `expected "from" before "to", got from ${p.from} and to ${p.to}`;
      },
      path: ['to'],
    });

/** Conditions on a CI workload's verified claims; every claim named must match one of its globs. */
export const ciConditions = z.strictObject({
  issuer: list(pattern, 'an issuer URL pattern').optional(),
  repository: list(pattern, 'a repository pattern like acme/app').optional(),
  ref: list(pattern, 'a ref pattern like refs/tags/v*').optional(),
  workflow: list(pattern, 'a workflow path pattern like .github/workflows/release.yml').optional(),
  environment: list(pattern, 'an environment pattern').optional(),
  event: list(pattern, 'an event name like push').optional(),
  runnerEnvironment: list(pattern, 'a runner environment like github-hosted').optional(),
});

const MEMBER_KINDS = ['user', 'group', 'service', 'agent', 'ci', 'local'] as const;

/** One member of a role: a kind of principal and a pattern on its name, or CI conditions. */
export const member = z
  .strictObject({
    user: pattern.optional(),
    group: pattern.optional(),
    service: pattern.optional(),
    agent: pattern.optional(),
    local: pattern.optional(),
    ci: ciConditions.optional(),
    /** Only principals vouched for by this issuer (glob). */
    issuer: pattern.optional(),
  })
  .refine((m) => MEMBER_KINDS.filter((kind) => m[kind] !== undefined).length === 1, {
    error: (issue) => {
      const given = MEMBER_KINDS.filter((kind) => (issue.input as Record<string, unknown>)[kind] !== undefined);
      return `expected exactly one of ${MEMBER_KINDS.join(', ')}, got ${given.length ? given.join(' and ') : 'none'}`;
    },
    when: isObjectPayload,
  });

/** Runs a refinement on an object even when some of its fields failed, so every problem shows at once. */
export function isObjectPayload(payload: { value: unknown }): boolean {
  return typeof payload.value === 'object' && payload.value !== null;
}
