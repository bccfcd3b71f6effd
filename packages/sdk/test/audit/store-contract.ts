import { beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_PREV, type AuditStore, type SignedCheckpoint, type StoredRecord } from '../../src/audit/index.js';
import { prepareEvent, sealRecord } from '../../src/audit/record.js';
import { expectCode, sampleEvents } from './helpers.js';

/** `n` chained records starting at `from`, after the record whose leaf hash is `prev`. */
export function chain(n: number, from = 0, prev = GENESIS_PREV): StoredRecord[] {
  const at = new Date('2025-11-27T07:40:00.000Z');
  return sampleEvents(n, from).map((event, i) => {
    const sealed = sealRecord(
      prepareEvent(event, () => at),
      from + i,
      prev,
    );
    prev = Buffer.from(sealed.leafHash).toString('hex');
    return { record: sealed.record, json: sealed.json };
  });
}

export const CHECKPOINT: SignedCheckpoint = {
  origin: 'test/audit',
  treeSize: 0,
  rootHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  time: '2025-11-27T07:40:00.000Z',
  keyId: 'ab'.repeat(32),
  algorithm: 'ecdsa-p256-sha256',
  signature: 'AAAA',
};

/**
 * What every {@link AuditStore} must do, run against a fresh store from `open`. A database store
 * runs the same suite.
 */
export function describeAuditStore(name: string, open: () => Promise<AuditStore>): void {
  describe(`the ${name} audit store contract`, () => {
    let store: AuditStore;
    beforeEach(async () => {
      store = await open();
      return () => store.close();
    });

    it('starts empty', async () => {
      expect(await store.size()).toBe(0);
      expect(await store.read(0, 10)).toEqual([]);
      expect(await store.checkpoints()).toEqual([]);
    });

    it('keeps appended records, byte for byte, in order', async () => {
      const records = chain(25);
      await store.append(records.slice(0, 10));
      await store.append(records.slice(10));
      expect(await store.size()).toBe(25);
      expect(await store.read(0, 25)).toEqual(records);
      expect(await store.read(7, 12)).toEqual(records.slice(7, 12));
      expect(await store.read(20, 99)).toEqual(records.slice(20));
    });

    it('refuses records that do not continue the log, and keeps what it had', async () => {
      const records = chain(5);
      await store.append(records.slice(0, 2));
      await expectCode(store.append(records.slice(3)), 'INVALID_ARGUMENT');
      await expectCode(store.append(records.slice(0, 1)), 'INVALID_ARGUMENT');
      expect(await store.size()).toBe(2);
    });

    it('keeps checkpoints in order', async () => {
      await store.appendCheckpoint(CHECKPOINT);
      await store.appendCheckpoint({ ...CHECKPOINT, treeSize: 1 });
      expect((await store.checkpoints()).map((c) => c.treeSize)).toEqual([0, 1]);
    });

    it('refuses use after close', async () => {
      await store.close();
      await expectCode(store.append(chain(1)), 'AUDIT_CLOSED');
      await expectCode(store.size(), 'AUDIT_CLOSED');
      await expectCode(store.read(0, 1), 'AUDIT_CLOSED');
      await expectCode(store.appendCheckpoint(CHECKPOINT), 'AUDIT_CLOSED');
      await expectCode(store.checkpoints(), 'AUDIT_CLOSED');
    });
  });
}
