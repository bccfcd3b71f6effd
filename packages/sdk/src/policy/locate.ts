import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { DraftProblem, PolicyProblem } from './problems.js';

/*
 * Maps a path in the parsed document back to the line and column the person wrote it at, using
 * the yaml library's node ranges. JSON is YAML, so JSON policies get positions too.
 */

/** The node at `path`, or the deepest one on the way when the path leaves the document (a missing field). */
function nodeAt(doc: Document, path: readonly (string | number)[], atKey: boolean): Node | undefined {
  let node = doc.contents as Node | null;
  let found: Node | undefined = node ?? undefined;
  for (const [i, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc) ?? null;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === String(segment));
      if (!pair) return found;
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      // A field's name for unknown fields and for empty values (`allow:` with nothing after it).
      if (last && (atKey || value === null)) return key;
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = (node.items[segment] as Node | undefined) ?? null;
    } else {
      return found;
    }
    if (node === null) return found;
    found = node;
  }
  return found;
}

/** Adds `line` and `column` (1-based) to each problem, and sorts them as they appear in the text. */
export function locate(doc: Document, lines: LineCounter, problems: readonly DraftProblem[]): PolicyProblem[] {
  const located = problems.map(({ atKey, ...p }) => {
    const offset = nodeAt(doc, p.path, atKey === true)?.range?.[0] ?? 0;
    const { line, col } = lines.linePos(offset);
    return { ...p, line, column: col };
  });
  return located.sort((a, b) => a.line - b.line || a.column - b.column);
}
