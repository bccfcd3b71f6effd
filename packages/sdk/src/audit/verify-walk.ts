import { GENESIS_PREV, parseRecord, type AuditRecord } from './event.js';
import { toHex } from './hex.js';
import { hashLeaf } from './merkle.js';
import type { AuditProblem } from './verify.js';

/** The first thing wrong with an export: where, what, and a sentence for people. */
export interface Finding {
  readonly index: number | null;
  readonly problem: AuditProblem;
  readonly message: string;
}

/**
 * Walks the lines of an export in order, checking that line p holds record p and that its `prev`
 * is the leaf hash of line p-1; hands each good line's leaf hash to `onLeaf`. At the first anomaly
 * it looks a few lines around to tell which tampering explains it best, and stops.
 */
export function walkRecords(
  lines: readonly string[],
  onLeaf: (leafHash: Uint8Array, index: number) => void,
): Finding | undefined {
  let before = GENESIS_PREV; // expected prev of line p-1
  let prev = GENESIS_PREV; // expected prev of line p
  for (let p = 0; p < lines.length; p++) {
    const record = tryParse(lines[p]);
    if (!record) return finding(p, 'malformed', `line ${p + 1} is not an audit record`);
    if (record.index !== p) return misplaced(lines, p, record, before, prev);
    if (record.prev !== prev) return unchained(lines, p, prev);
    const leaf = hashLeaf(lines[p]!);
    onLeaf(leaf, p);
    before = prev;
    prev = toHex(leaf);
  }
  return undefined;
}

/** Line p holds record `record.index` ≠ p; lines before p are fine. */
function misplaced(lines: readonly string[], p: number, record: AuditRecord, before: string, prev: string): Finding {
  if (record.index > p) {
    // Record p is not here: moved further down, pushed down by an inserted line, or removed.
    for (let q = p + 1; q < lines.length; q++) {
      if (tryParse(lines[q])?.index !== p) continue;
      // A genuine record displaced from below (a swap, a move) still chains onto record p; a line
      // that does not, right above the real #p, was inserted.
      if (q === p + 1 && record.prev !== toHex(hashLeaf(lines[q]!))) return inserted(p);
      return finding(p, 'reordered', `events are out of order from #${p} (#${p} is on line ${q + 1})`);
    }
    return finding(p, 'removed', `event #${p} was removed (line ${p + 1} holds event #${record.index})`);
  }
  // A record that does not belong here; when it names p-1, decide which of the two is the intruder.
  if (lines[p] !== lines[p - 1] && record.index === p - 1 && record.prev === before) {
    // This record continues the chain at p-1. If the line after it does not continue from line
    // p-1, then line p-1 was the foreign record, dressed with a plausible index and prev.
    const next = tryParse(lines[p + 1]);
    if (!next || next.prev !== prev) return inserted(p - 1);
  }
  return inserted(p);
}

/** Line p holds record p, but its prev is not the hash of line p-1. */
function unchained(lines: readonly string[], p: number, prev: string): Finding {
  const next = tryParse(lines[p + 1]);
  if (next && next.index === p && next.prev === prev) return inserted(p); // the real #p follows
  if (p === 0) return finding(0, 'modified', 'event #0 was modified (it does not start the chain)');
  return finding(p - 1, 'modified', `event #${p - 1} was modified (event #${p} names another predecessor)`);
}

function inserted(p: number): Finding {
  return finding(p, 'inserted', `has an inserted event at #${p} (line ${p + 1} is not event #${p} of this log)`);
}

function finding(index: number, problem: AuditProblem, message: string): Finding {
  return { index, problem, message };
}

function tryParse(line: string | undefined): AuditRecord | undefined {
  if (line === undefined) return undefined;
  try {
    return parseRecord(line);
  } catch {
    return undefined;
  }
}
