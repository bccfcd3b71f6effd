import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { AuditEventInput, AuditStore } from '../../src/audit/index.js';
import { isSignetError } from '../../src/errors/index.js';

/** `n` plausible events of every type, numbered from `from`. */
export function sampleEvents(n: number, from = 0): AuditEventInput[] {
  const types = ['signature', 'decision', 'approval', 'key', 'policy', 'admin'] as const;
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      type: types[i % types.length]!,
      actor: `https://token.actions.githubusercontent.com|repo:acme/app:ref:refs/tags/v${i}`,
      data: {
        key: 'soft://release',
        algorithm: 'ecdsa-p256-sha256',
        digest: createHash('sha256').update(`artifact ${i}`).digest('hex'),
        artifact: { name: `app-${i}.tgz` },
        seq: i,
      },
    };
  });
}

/** Rejects with a SignetError of `code`. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((e) => isSignetError(e) && e.code === code);
}

/** Throws synchronously a SignetError of `code`. */
export function expectThrowsCode(fn: () => unknown, code: string): void {
  expect(fn).toThrow(expect.objectContaining({ code }));
}

/** A store that counts appends and fails them while `failing` is set (after doing nothing). */
export interface ScriptedStore extends AuditStore {
  appends: number;
  failing: boolean;
  /** Called inside append before the inner store: lets a test observe when writes happen. */
  onAppend?: (count: number) => void;
}

export function scripted(inner: AuditStore): ScriptedStore {
  const store: ScriptedStore = {
    appends: 0,
    failing: false,
    async append(records) {
      store.appends++;
      store.onAppend?.(records.length);
      if (store.failing) throw new Error('disk on fire');
      await new Promise((resolve) => setTimeout(resolve, 1)); // a write takes time
      await inner.append(records);
    },
    size: () => inner.size(),
    read: (from, to) => inner.read(from, to),
    appendCheckpoint: (checkpoint) => inner.appendCheckpoint(checkpoint),
    checkpoints: () => inner.checkpoints(),
    close: () => inner.close(),
  };
  return store;
}
