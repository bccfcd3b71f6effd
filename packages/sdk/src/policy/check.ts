import { problem, type DraftProblem } from './problems.js';
import { NAME_PATTERN } from './schema-parts.js';

/*
 * Checks that span fields: references to roles and key groups, duplicate rule names. They run on
 * the raw document even when the schema found problems, so a person sees every problem in one
 * pass; hence the defensive reading of each value.
 */

type Path = (string | number)[];

/** The strings of a list-or-string field, each with its path. */
function strings(value: unknown, path: Path): [string, Path][] {
  if (typeof value === 'string') return [[value, path]];
  if (!Array.isArray(value)) return [];
  return value.flatMap((v, i) => (typeof v === 'string' ? [[v, [...path, i]] as [string, Path]] : []));
}

function entries(value: unknown): [Record<string, unknown>, number][] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v, i) =>
    typeof v === 'object' && v !== null ? [[v as Record<string, unknown>, i] as [Record<string, unknown>, number]] : [],
  );
}

const object = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const known = (names: Iterable<string>): string => [...names].join(', ') || 'none defined';

/** Every cross-field problem of a policy document (already parsed from YAML or JSON). */
export function crossCheck(data: unknown): DraftProblem[] {
  const doc = object(data);
  const problems: DraftProblem[] = [];
  const groups = object(doc.keyGroups);
  const roles = new Set(entries(doc.roles).flatMap(([b]) => (typeof b.role === 'string' ? [b.role] : [])));

  for (const [group, patterns] of Object.entries(groups)) {
    if (!NAME_PATTERN.test(group)) {
      problems.push(problem(['keyGroups', group], `expected a group name of letters, digits, '.', '_' or '-'`, true));
    }
    for (const [p, path] of strings(patterns, ['keyGroups', group])) {
      if (p.startsWith('group:')) problems.push(problem(path, 'expected a key URI pattern; groups do not nest'));
    }
  }
  const checkKeys = (value: unknown, path: Path): void => {
    for (const [p, at] of strings(value, path)) {
      const group = p.startsWith('group:') ? p.slice(6) : undefined;
      if (group !== undefined && !Object.hasOwn(groups, group)) {
        problems.push(problem(at, `unknown key group "${group}"; keyGroups defines: ${known(Object.keys(groups))}`));
      }
    }
  };
  const checkRole = (role: string, at: Path): void => {
    if (!roles.has(role)) problems.push(problem(at, `unknown role "${role}"; roles defines: ${known(roles)}`));
  };

  for (const [binding, i] of entries(doc.roles)) checkKeys(binding.keys, ['roles', i, 'keys']);

  const firstUse = new Map<string, number>();
  for (const [rule, i] of entries(doc.rules)) {
    if (typeof rule.name === 'string') {
      const earlier = firstUse.get(rule.name);
      if (earlier === undefined) firstUse.set(rule.name, i);
      else
        problems.push(problem(['rules', i, 'name'], `rule name "${rule.name}" is already used by rules[${earlier}]`));
    }
    for (const effect of ['allow', 'deny'] as const) {
      const target = object(rule[effect]);
      checkKeys(target.keys, ['rules', i, effect, 'keys']);
      for (const [role, at] of strings(target.roles, ['rules', i, effect, 'roles'])) checkRole(role, at);
    }
    const approvals = object(rule.approvals);
    for (const kind of ['require', 'steps'] as const) {
      for (const [step, j] of entries(approvals[kind])) {
        if (typeof step.role === 'string') checkRole(step.role, ['rules', i, 'approvals', kind, j, 'role']);
      }
    }
  }
  return problems;
}
