import { crossCheck } from './check.js';
import { compile, type Policy } from './compile.js';
import { errorMap, problemsFromIssues, type DraftProblem } from './problems.js';
import { invalidText, readText, type TextKind } from './read-text.js';
import { policySchema } from './schema.js';

export interface ParsePolicyOptions {
  /** The file name problems are reported against. Default: `<policy>`. */
  source?: string;
}

const POLICY: TextKind = { code: 'INVALID_POLICY', what: 'a valid policy' };

/** Validates a document: schema problems first, then cross-field ones. */
function validate(data: unknown): { problems: DraftProblem[]; document?: Policy['document'] } {
  const result = policySchema.safeParse(data, { reportInput: true, error: errorMap });
  const problems = [...(result.success ? [] : problemsFromIssues(result.error.issues)), ...crossCheck(data)];
  return result.success && problems.length === 0 ? { problems, document: result.data } : { problems };
}

/**
 * Parses and validates a policy written in YAML or JSON, and compiles it for evaluation.
 *
 * @throws SignetError `INVALID_POLICY`, whose message lists every problem as
 * `FILE:LINE:COL path.to.field: expected …, got …` and whose `details.problems` holds them as
 * {@link PolicyProblem}s.
 * @example
 * ```ts
 * const policy = parsePolicy(await readFile('policy.yaml', 'utf8'), { source: 'policy.yaml' });
 * const decision = evaluatePolicy(policy, request, { now: new Date(), usage: () => 0, approvals: [] });
 * ```
 */
export function parsePolicy(text: string, options: ParsePolicyOptions = {}): Policy {
  const source = options.source ?? '<policy>';
  const read = readText(text, source, POLICY);
  const { problems, document } = validate(read.data);
  if (!document) throw invalidText(POLICY, source, read.locate(problems));
  return { revision: document.revision, document, compiled: compile(document) };
}

/**
 * Validates and compiles a policy document that is already an object (from a database, or built
 * in code). Problems carry paths but no line numbers.
 *
 * @throws SignetError `INVALID_POLICY`
 * @example
 * ```ts
 * const policy = createPolicy({ version: 1, revision: 'dev', rules: [{ name: 'dev', allow: { keys: ['soft://dev-*'] } }] });
 * ```
 */
export function createPolicy(document: unknown, options: ParsePolicyOptions = {}): Policy {
  const { problems, document: valid } = validate(document);
  if (!valid)
    throw invalidText(
      POLICY,
      options.source ?? '<policy>',
      problems.map(({ atKey: _, ...p }) => p),
    );
  return { revision: valid.revision, document: valid, compiled: compile(valid) };
}
