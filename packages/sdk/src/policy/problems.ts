import type { z } from 'zod';

/** One thing wrong with a policy document, located for a person. */
export interface PolicyProblem {
  /** Where in the document: `['rules', 0, 'allow', 'keys', 1]`. */
  readonly path: readonly (string | number)[];
  /** `rules[0].allow.keys[1]`, or empty for the document itself. */
  readonly field: string;
  /** 1-based, when the document came from text. */
  readonly line?: number;
  readonly column?: number;
  /** `expected …, got …` */
  readonly message: string;
}

/** A problem before it is located: `atKey` points at a field's name (unknown fields), not its value. */
export interface DraftProblem extends PolicyProblem {
  readonly atKey?: boolean;
}

/** A value as a person wrote it, short: `"acme"`, `42`, `a list`, `nothing`. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const text = JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    return text;
  }
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (field: value)',
  record: 'a mapping (name: value)',
};

/**
 * Messages for zod's own issues in the `expected …, got …` form. Schema-level messages (in
 * schema-parts.ts) win over this map; it covers plain types, enums, bounds and unknown fields.
 */
export const errorMap: z.core.$ZodErrorMap = (issue) => {
  const got = show(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${got}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}, got ${got}`
        : `expected one of ${issue.values.map(String).join(', ')}, got ${got}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `expected at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}, got none`
        : `expected at least ${issue.minimum}, got ${got}`;
    case 'too_big':
      return `expected at most ${issue.maximum}, got ${got}`;
    case 'unrecognized_keys': {
      // The known fields, so a typo reads as "unknown field "aprovals"; expected one of: ...".
      const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
      return shape ? `expected one of: ${Object.keys(shape).join(', ')}` : 'expected no other fields';
    }
    default:
      return undefined;
  }
};

/** Zod issues as problems without location; unknown fields become one problem each, at the field. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[]): DraftProblem[] {
  const problems: DraftProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push(problem([...path, key], `unknown field "${key}"; ${issue.message}`, true));
      }
    } else {
      problems.push(problem(path, issue.message));
    }
  }
  return problems;
}

export function problem(path: readonly (string | number)[], message: string, atKey = false): DraftProblem {
  return atKey ? { path, field: fieldName(path), message, atKey } : { path, field: fieldName(path), message };
}

/** `['rules', 0, 'allow']` → `rules[0].allow` */
export function fieldName(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * One problem as a line: `FILE:LINE:COL field: message` (without position when it has none).
 *
 * @example formatProblem('policy.yaml', problem) // 'policy.yaml:12:7 rules[0].allow.keys[1]: unknown key group "prd"; ...'
 */
export function formatProblem(source: string, p: PolicyProblem): string {
  const where = p.line === undefined ? source : `${source}:${p.line}:${p.column}`;
  return p.field ? `${where} ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}
