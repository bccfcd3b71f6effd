/** An approver whose approval may count: when, and which of the wanted roles they hold. */
export interface Candidate {
  readonly id: string;
  readonly at: number;
  readonly roles: ReadonlySet<string>;
}

interface Steps {
  readonly ordered: boolean;
  readonly steps: readonly { readonly role: string; readonly count: number }[];
}

export interface Assignment {
  /** Approvals that count, step by step. */
  readonly counted: Candidate[];
  /** Approvals still needed, per step. */
  readonly remaining: number[];
  /** Ordered steps: approvals that came before the previous step completed (1-based step numbers). */
  readonly early: { id: string; step: number }[];
}

/**
 * Assigns approvers to step slots, each approver at most once. `candidates` are sorted by time.
 * Unordered: a maximum bipartite matching (augmenting paths), so an approver holding two roles
 * goes where they are needed. Ordered: each step takes the earliest approvals made after the
 * previous step completed; an approver holding the roles of two steps counts in the first.
 */
export function assignSlots({ ordered, steps }: Steps, candidates: readonly Candidate[]): Assignment {
  return ordered ? inOrder(steps, candidates) : matching(steps, candidates);
}

function inOrder(steps: Steps['steps'], candidates: readonly Candidate[]): Assignment {
  const counted: Candidate[] = [];
  const remaining = steps.map((s) => s.count);
  const early: { id: string; step: number }[] = [];
  const used = new Set<string>();
  let completedAt = -Infinity;
  for (const [i, step] of steps.entries()) {
    const holders = candidates.filter((c) => !used.has(c.id) && c.roles.has(step.role));
    const taken = holders.filter((c) => c.at > completedAt).slice(0, step.count);
    for (const c of holders) if (c.at <= completedAt) early.push({ id: c.id, step: i });
    for (const c of taken) used.add(c.id);
    counted.push(...taken);
    remaining[i] = step.count - taken.length;
    if (remaining[i]! > 0) break; // later steps have not started: they keep their full count
    completedAt = taken.at(-1)?.at ?? completedAt;
  }
  return { counted, remaining, early };
}

function matching(steps: Steps['steps'], candidates: readonly Candidate[]): Assignment {
  const slots = steps.flatMap((step, i) => Array.from({ length: step.count }, () => i));
  const owner: (number | undefined)[] = slots.map(() => undefined);
  const fits = (c: number, s: number) => candidates[c]!.roles.has(steps[slots[s]!]!.role);
  const augment = (c: number, seen: Set<number>): boolean => {
    // A free slot first; otherwise move an earlier approver elsewhere to make room.
    const free = slots.findIndex((_, s) => owner[s] === undefined && fits(c, s));
    if (free !== -1) return ((owner[free] = c), true);
    for (const s of slots.keys()) {
      if (seen.has(s) || !fits(c, s)) continue;
      seen.add(s);
      if (augment(owner[s]!, seen)) return ((owner[s] = c), true);
    }
    return false;
  };
  for (const c of candidates.keys()) augment(c, new Set());
  const remaining = steps.map((s) => s.count);
  const counted: Candidate[] = [];
  for (const [s, c] of owner.entries()) {
    if (c === undefined) continue;
    remaining[slots[s]!]!--;
    counted.push(candidates[c]!);
  }
  counted.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return { counted, remaining, early: [] };
}
