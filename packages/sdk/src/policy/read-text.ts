import { LineCounter, parseDocument } from 'yaml';
import { SignetError, type SignetErrorCode } from '../errors/errors.js';
import { locate } from './locate.js';
import { formatProblem, type DraftProblem, type PolicyProblem } from './problems.js';

/** A YAML or JSON text, parsed, that can place a problem at its line and column. */
export interface ReadText {
  readonly data: unknown;
  readonly locate: (problems: readonly DraftProblem[]) => PolicyProblem[];
}

/** What is being read, for error messages: `INVALID_POLICY` and "a valid policy". */
export interface TextKind {
  readonly code: SignetErrorCode;
  readonly what: string;
}

/** The error listing every problem, one `FILE:LINE:COL field: message` per line. */
export function invalidText(kind: TextKind, source: string, problems: readonly PolicyProblem[]): SignetError {
  const lines = problems.map((p) => `  ${formatProblem(source, p)}`);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new SignetError(kind.code, `${source} is not ${kind.what} (${count}):\n${lines.join('\n')}`, {
    details: { source, problems },
  });
}

/**
 * Parses YAML (JSON is YAML) keeping node positions, so a path found wrong later maps back to
 * where the person wrote it.
 *
 * @throws SignetError `kind.code` on a syntax error, a duplicate key or an alias bomb.
 */
export function readText(text: string, source: string, kind: TextKind): ReadText {
  const lines = new LineCounter();
  const doc = parseDocument(String(text), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { path: [], field: '', line, column: col };
  };
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ ...at(e.pos[0]), message: `not valid YAML or JSON: ${e.message}` }));
    throw invalidText(kind, source, problems);
  }
  try {
    // yaml refuses to expand more than this many aliases: a small file cannot become a huge one.
    return { data: doc.toJS({ maxAliasCount: 100 }), locate: (problems) => locate(doc, lines, problems) };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw invalidText(kind, source, [{ ...at(0), message: `cannot be read: ${message}` }]);
  }
}
