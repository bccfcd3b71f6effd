import type { ApprovalRecord, UsageQuery } from '../policy/decision.js';
import type { SigningResult } from './result.js';
import type {
  ApprovalStore,
  IdempotencyClaim,
  IdempotencyStore,
  PendingRequest,
  UsageEntry,
  UsageStore,
} from './stores.js';

/** Usage in memory: for the embedded engine and tests. Lost when the process ends. */
export function createMemoryUsageStore(): UsageStore {
  const entries: UsageEntry[] = [];
  return {
    async record(entry) {
      entries.push(entry);
    },
    async count(q: UsageQuery) {
      const until = q.until?.getTime() ?? Infinity;
      let total = 0;
      for (const e of entries) {
        const t = e.at.getTime();
        if (t < q.since.getTime() || t >= until) continue;
        if ((q.key && e.key !== q.key) || (q.principal && e.principal !== q.principal) || (q.rule && e.rule !== q.rule))
          continue;
        total += e.count;
      }
      return total;
    },
  };
}

/** Pending requests and approvals in memory. */
export function createMemoryApprovalStore(): ApprovalStore {
  const pending = new Map<string, PendingRequest>();
  const approvals = new Map<string, ApprovalRecord[]>();
  return {
    async putPending(p) {
      pending.set(p.id, p);
    },
    async getPending(id) {
      return pending.get(id);
    },
    async listPending() {
      return [...pending.values()];
    },
    async settle(id, outcome) {
      pending.delete(id);
      if (outcome === 'signed') approvals.delete(id);
    },
    async addApproval(record) {
      approvals.set(record.fingerprint, [...(approvals.get(record.fingerprint) ?? []), record]);
    },
    async approvals(fingerprint) {
      return approvals.get(fingerprint) ?? [];
    },
  };
}

/** Idempotency keys in memory. A key being worked on makes a second caller wait for the first. */
export function createMemoryIdempotencyStore(): IdempotencyStore {
  const entries = new Map<
    string,
    { fingerprint: string; result?: SigningResult; settled: Promise<void>; settle: () => void }
  >();
  return {
    async claim(key, fingerprint): Promise<IdempotencyClaim> {
      const entry = entries.get(key);
      if (!entry) {
        let settle!: () => void;
        const settled = new Promise<void>((resolve) => (settle = resolve));
        entries.set(key, { fingerprint, settled, settle });
        return { state: 'new' };
      }
      if (entry.fingerprint !== fingerprint) return { state: 'conflict' };
      return entry.result ? { state: 'done', result: entry.result } : { state: 'in-progress', settled: entry.settled };
    },
    async complete(key, result) {
      const entry = entries.get(key);
      if (!entry) return;
      entry.result = result;
      entry.settle();
    },
    async release(key) {
      const entry = entries.get(key);
      entries.delete(key);
      entry?.settle();
    },
  };
}
