import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createAuditLog,
  createFileAuditStore,
  createMemoryAuditStore,
  merkleRoot,
  recordLeafHash,
  verifyConsistency,
  verifyInclusion,
  type AuditLog,
} from '../../src/audit/index.js';
import { tempDir } from '../helpers/temp.js';
import { expectCode, expectThrowsCode, sampleEvents, scripted } from './helpers.js';

const ORIGIN = 'signet.test/audit';
const root = await tempDir('signet-audit-log-');
let folders = 0;
const freshFolder = (): string => join(root, `log-${folders++}`);

async function memoryLog(): Promise<AuditLog> {
  return createAuditLog({ store: createMemoryAuditStore(), origin: ORIGIN });
}

describe('an audit log', () => {
  it('assigns indexes, times and the prev chain, and hands back what it stored', async () => {
    const at = new Date('2025-11-27T07:40:00.000Z');
    const log = await createAuditLog({ store: createMemoryAuditStore(), origin: ORIGIN, clock: () => at });
    const [first, second] = await log.append(sampleEvents(2));
    expect(first).toMatchObject({ index: 0, time: at.toISOString(), prev: '0'.repeat(64), type: 'signature' });
    expect(second!.prev).toBe(Buffer.from(recordLeafHash(first!)).toString('hex'));
    expect(await log.read(0)).toEqual([first, second]);
    const [dated] = await log.append([{ ...sampleEvents(1)[0]!, at: new Date(0) }]);
    expect(dated!.time).toBe('1970-01-01T00:00:00.000Z');
    await log.close();
  });

  it('proves inclusion and consistency against its own roots', async () => {
    const log = await memoryLog();
    const records = await log.append(sampleEvents(37));
    const leaves = records.map((r) => recordLeafHash(r));
    expect(log.root()).toEqual(merkleRoot(leaves));
    for (const size of [1, 20, 37]) {
      for (const index of [0, Math.floor(size / 2), size - 1]) {
        expect(verifyInclusion(leaves[index]!, index, size, log.inclusionProof(index, size), log.root(size))).toBe(
          true,
        );
      }
      expect(verifyConsistency(size, 37, log.root(size), log.root(), log.consistencyProof(size))).toBe(true);
    }
    expectThrowsCode(() => log.inclusionProof(37), 'INVALID_ARGUMENT');
    expectThrowsCode(() => log.consistencyProof(38), 'INVALID_ARGUMENT');
    await log.close();
  });

  it('refuses a bad event without recording anything', async () => {
    const log = await memoryLog();
    await expectCode(
      log.append([sampleEvents(1)[0]!, { type: 'key', actor: 'a|b', data: { n: Number.NaN } }]),
      'INVALID_ARGUMENT',
    );
    expect(log.size()).toBe(0);
    await log.close();
  });

  describe('under concurrent appends', () => {
    it('writes 1,000 appends in a handful of durable store writes, with indexes 0..999 once each', async () => {
      const store = scripted(createMemoryAuditStore());
      const log = await createAuditLog({ store, origin: ORIGIN });
      const resolvedWhileDurable: boolean[] = [];
      const results = await Promise.all(
        sampleEvents(1000).map((event) =>
          log.append([event]).then(async ([record]) => {
            resolvedWhileDurable.push((await store.size()) > record!.index);
            return record!;
          }),
        ),
      );
      expect(store.appends).toBeLessThanOrEqual(3);
      expect(resolvedWhileDurable.every(Boolean)).toBe(true);
      expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(results.map((r) => r.data.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i)); // call order kept
      expect(log.size()).toBe(1000);
      await log.close();
    });

    it('batches appends that arrive while a write is in progress into the next write', async () => {
      const store = scripted(createMemoryAuditStore());
      const log = await createAuditLog({ store, origin: ORIGIN, commitInterval: 0 });
      const first = log.append(sampleEvents(1));
      await new Promise((resolve) => setImmediate(resolve)); // the first write has started
      const rest = await Promise.all(sampleEvents(50, 1).map((event) => log.append([event])));
      await first;
      expect(store.appends).toBe(2);
      expect(rest.flat().map((r) => r.index)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      await log.close();
    });
  });

  describe('when the store fails (fail closed)', () => {
    it('rejects with AUDIT_UNAVAILABLE, does not grow, and continues without a hole when the store recovers', async () => {
      const store = scripted(createMemoryAuditStore());
      const log = await createAuditLog({ store, origin: ORIGIN });
      await log.append(sampleEvents(3));
      const rootBefore = log.root();

      store.failing = true;
      const failed = await Promise.allSettled(sampleEvents(5, 3).map((event) => log.append([event])));
      expect(failed.map((f) => f.status)).toEqual(Array(5).fill('rejected'));
      for (const f of failed) expect((f as PromiseRejectedResult).reason).toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
      expect(log.size()).toBe(3);
      expect(log.root()).toEqual(rootBefore);

      store.failing = false;
      const [next] = await log.append(sampleEvents(1, 8));
      expect(next!.index).toBe(3);
      expect((await log.read(0)).map((r) => r.index)).toEqual([0, 1, 2, 3]);
      // What was stored still chains: a log opened on a copy of it accepts it.
      const copy = createMemoryAuditStore();
      await copy.append(await store.read(0, await store.size()));
      await log.close();
      const reopened = await createAuditLog({ store: copy, origin: ORIGIN });
      expect(reopened.size()).toBe(4);
      await reopened.close();
    });
  });

  describe('on a file store', () => {
    it('reopens where it left off, with the same root and checkpoints checked', async () => {
      const directory = freshFolder();
      const log = await createAuditLog({ store: await createFileAuditStore({ directory }), origin: ORIGIN });
      await log.append(sampleEvents(40));
      const rootAt40 = log.root();
      await log.close();

      const again = await createAuditLog({ store: await createFileAuditStore({ directory }), origin: ORIGIN });
      expect(again.size()).toBe(40);
      expect(again.root()).toEqual(rootAt40);
      const [next] = await again.append(sampleEvents(1, 40));
      expect(next!.index).toBe(40);
      let text = '';
      for await (const line of again.export()) text += line;
      expect(text).toBe(await readFile(join(directory, 'events.jsonl'), 'utf8'));
      await again.close();
    });

    it('refuses to open an edited log (AUDIT_CORRUPT naming the record), and releases the folder', async () => {
      const directory = freshFolder();
      const log = await createAuditLog({ store: await createFileAuditStore({ directory }), origin: ORIGIN });
      await log.append(sampleEvents(10));
      await log.close();
      const path = join(directory, 'events.jsonl');
      const original = await readFile(path, 'utf8');
      await writeFile(path, original.replace('app-4.tgz', 'app-4.exe'));
      await expect(
        createAuditLog({ store: await createFileAuditStore({ directory }), origin: ORIGIN }),
      ).rejects.toMatchObject({ code: 'AUDIT_CORRUPT', details: { index: 4 } });
      await writeFile(path, original);
      const fixed = await createAuditLog({ store: await createFileAuditStore({ directory }), origin: ORIGIN });
      await fixed.close();
    });

    it('survives a torn last line: the unacknowledged record is gone, the chain intact', async () => {
      const directory = freshFolder();
      const log = await createAuditLog({ store: await createFileAuditStore({ directory }), origin: ORIGIN });
      await log.append(sampleEvents(5));
      await log.close();
      await appendFile(join(directory, 'events.jsonl'), '{"actor":"torn');
      const again = await createAuditLog({ store: await createFileAuditStore({ directory }), origin: ORIGIN });
      expect(again.size()).toBe(5);
      expect((await again.append(sampleEvents(1, 5)))[0]!.index).toBe(5);
      await again.close();
    });
  });

  describe('after close', () => {
    it('commits what was queued, then refuses everything with AUDIT_CLOSED', async () => {
      const store = scripted(createMemoryAuditStore());
      const log = await createAuditLog({ store, origin: ORIGIN, commitInterval: 50 });
      const pending = log.append(sampleEvents(2));
      await log.close();
      expect((await pending).map((r) => r.index)).toEqual([0, 1]);
      await expectCode(log.append(sampleEvents(1)), 'AUDIT_CLOSED');
      await expectCode(log.checkpoint(), 'AUDIT_CLOSED');
      expectThrowsCode(() => log.size(), 'AUDIT_CLOSED');
      await expectCode(store.size(), 'AUDIT_CLOSED');
    });
  });

  it('withdraws an append whose signal aborts before its batch is written', async () => {
    const log = await createAuditLog({ store: createMemoryAuditStore(), origin: ORIGIN, commitInterval: 50 });
    const controller = new AbortController();
    const aborted = log.append(sampleEvents(1), { signal: controller.signal });
    const kept = log.append(sampleEvents(1, 1));
    controller.abort();
    await expectCode(aborted, 'ABORTED');
    expect((await kept)[0]!.index).toBe(0);
    await log.close();
  });

  it('refuses an origin that is not one line', async () => {
    await expectCode(createAuditLog({ store: createMemoryAuditStore(), origin: 'a\nb' }), 'INVALID_ARGUMENT');
  });
});
