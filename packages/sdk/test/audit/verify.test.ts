import { beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  createAuditLog,
  createMemoryAuditStore,
  GENESIS_PREV,
  recordHash,
  verifyAuditExport,
  type AuditLog,
  type AuditRecord,
  type SignedCheckpoint,
} from '../../src/audit/index.js';
import { createSigner, toPemSpki } from '../helpers/sdk.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';
import { sampleEvents } from './helpers.js';

const SIZE = 50;
let lines: string[]; // the export: 50 records covered by the checkpoint
let longer: string[]; // the same log with 5 more records after the checkpoint
let checkpoint: SignedCheckpoint;
let publicKey: Uint8Array;

beforeAll(async () => {
  const soft = await openTestStore(await tempDir('signet-verify-'));
  await soft.generateKey({ name: 'audit', spec: 'ec-p256' });
  const checkpointSigner = await createSigner(soft, 'soft://audit');
  publicKey = checkpointSigner.key.publicKey;
  const log = await createAuditLog({ store: createMemoryAuditStore(), origin: 'signet.test/audit', checkpointSigner });
  await log.append(sampleEvents(SIZE));
  checkpoint = await log.checkpoint();
  lines = await exportLines(log);
  await log.append(sampleEvents(5, SIZE));
  longer = await exportLines(log);
  await log.close();
  await soft.close();
});

async function exportLines(log: AuditLog): Promise<string[]> {
  const out: string[] = [];
  for await (const line of log.export()) out.push(line.trimEnd());
  return out;
}

const verify = (events: string[] | string, cp = checkpoint) => verifyAuditExport({ events, checkpoint: cp, publicKey });
const parse = (line: string): AuditRecord => JSON.parse(line) as AuditRecord;
const edit = (line: string, change: Partial<AuditRecord>): string => canonicalJson({ ...parse(line), ...change });
const without = (list: string[], i: number): string[] => list.filter((_, j) => j !== i);
const insertAt = (list: string[], i: number, line: string): string[] => [...list.slice(0, i), line, ...list.slice(i)];
const everyPosition = Array.from({ length: SIZE }, (_, i) => i);

describe('verifying an exported audit log', () => {
  it('accepts the untouched export, as text, as lines with newlines, and with CRLF', () => {
    const ok = { ok: true, treeSize: SIZE, rootHash: checkpoint.rootHash, events: SIZE };
    expect(verify(lines)).toEqual(ok);
    expect(verify(lines.join('\n') + '\n')).toEqual(ok);
    expect(
      verifyAuditExport({ events: lines.map((l) => `${l}\n`), checkpoint, publicKey: toPemSpki(publicKey) }),
    ).toEqual(ok);
    expect(verify(lines.join('\r\n') + '\r\n')).toEqual(ok);
  });

  it('accepts records after the checkpoint that chain on, and says they are not covered', () => {
    expect(verify(longer)).toEqual({ ok: true, treeSize: SIZE, rootHash: checkpoint.rootHash, events: SIZE + 5 });
  });

  describe('detects a record whose data was changed', () => {
    it.each(everyPosition)('at #%i', (i) => {
      const tampered = lines.map((l, j) => (j === i ? edit(l, { data: { ...parse(l).data, key: 'soft://evil' } }) : l));
      expect(verify(tampered)).toMatchObject({ ok: false, firstBadIndex: i, problem: 'modified' });
    });

    it('by the chain when records after the checkpoint follow it', () => {
      const tampered = longer.map((l, j) => (j === SIZE - 1 ? edit(l, { actor: 'local|mallory' }) : l));
      expect(verify(tampered)).toMatchObject({ ok: false, firstBadIndex: SIZE - 1, problem: 'modified' });
    });

    it('but only by the root when every later prev was rewritten too (the documented limit)', () => {
      const tampered = [...lines];
      tampered[10] = edit(tampered[10]!, { actor: 'local|mallory' });
      for (let j = 11; j < SIZE; j++) tampered[j] = edit(tampered[j]!, { prev: recordHash(tampered[j - 1]!) });
      expect(verify(tampered)).toMatchObject({ ok: false, firstBadIndex: SIZE - 1, problem: 'modified' });
    });
  });

  describe('detects a removed record', () => {
    it.each([0, 1, 17, 25, 48])('at #%i', (i) => {
      expect(verify(without(lines, i))).toMatchObject({ ok: false, firstBadIndex: i, problem: 'removed' });
    });

    it('as truncation when it was the last one covered', () => {
      expect(verify(without(lines, SIZE - 1))).toMatchObject({
        ok: false,
        firstBadIndex: SIZE - 1,
        problem: 'truncated',
      });
    });
  });

  describe('detects an inserted record', () => {
    /** A record that fits at `i`: the right index and the prev of the record before. */
    const forged = (list: string[], i: number): string =>
      edit(list[i] ?? list[i - 1]!, {
        index: i,
        prev: i === 0 ? GENESIS_PREV : recordHash(list[i - 1]!),
        data: { key: 'soft://evil', digest: 'ee'.repeat(32) },
      });

    it.each([0, 1, 25, SIZE - 1])('forged to fit, at #%i', (i) => {
      expect(verify(insertAt(lines, i, forged(lines, i)))).toMatchObject({
        ok: false,
        firstBadIndex: i,
        problem: 'inserted',
      });
    });

    it.each([1, 30, SIZE])('as a copy of the record before it, at #%i', (i) => {
      expect(verify(insertAt(lines, i, lines[i - 1]!))).toMatchObject({
        ok: false,
        firstBadIndex: i,
        problem: 'inserted',
      });
    });

    it.each([0, 20])('with a made-up index and prev, at #%i', (i) => {
      const alien = edit(lines[i]!, { index: 999, prev: 'ab'.repeat(32) });
      expect(verify(insertAt(lines, i, alien))).toMatchObject({ ok: false, firstBadIndex: i, problem: 'inserted' });
    });

    it.each([0, 20])('with the right index but another prev, at #%i', (i) => {
      const alien = edit(lines[i]!, { prev: 'ab'.repeat(32), actor: 'local|mallory' });
      expect(verify(insertAt(lines, i, alien))).toMatchObject({ ok: false, firstBadIndex: i, problem: 'inserted' });
    });
  });

  describe('detects reordered records', () => {
    it.each([0, 1, 24, SIZE - 2])('when #%i and the next one are swapped', (i) => {
      const swapped = [...lines];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
      expect(verify(swapped)).toMatchObject({ ok: false, firstBadIndex: i, problem: 'reordered' });
    });

    it('when one is moved ten places down', () => {
      const moved = insertAt(without(lines, 10), 20, lines[10]!);
      expect(verify(moved)).toMatchObject({ ok: false, firstBadIndex: 10, problem: 'reordered' });
    });
  });

  describe('detects a truncated log', () => {
    it.each([0, 1, 25, SIZE - 1])('cut to %i records', (n) => {
      expect(verify(lines.slice(0, n))).toMatchObject({ ok: false, firstBadIndex: n, problem: 'truncated' });
    });
  });

  describe('refuses a checkpoint that is not the log key’s', () => {
    it.each([
      ['a changed tree size', { treeSize: 40 }],
      ['a changed root', { rootHash: 'ab'.repeat(32) }],
      ['another key id', { keyId: 'cd'.repeat(32) }],
      ['a changed signature', { signature: Buffer.alloc(70, 1).toString('base64') }],
    ])('with %s', (_, change) => {
      expect(verify(lines, { ...checkpoint, ...change })).toMatchObject({
        ok: false,
        firstBadIndex: null,
        problem: 'checkpoint-signature',
      });
    });

    it('that is not a checkpoint at all', () => {
      expect(verify(lines, { treeSize: 'many' } as never)).toMatchObject({
        ok: false,
        firstBadIndex: null,
        problem: 'malformed',
      });
    });
  });

  it('names a line that is not a record', () => {
    const broken = lines.map((l, j) => (j === 7 ? l.slice(0, 30) : l));
    expect(verify(broken)).toMatchObject({ ok: false, firstBadIndex: 7, problem: 'malformed' });
  });

  it('refuses a public key that is not one', () => {
    expect(() => verifyAuditExport({ events: lines, checkpoint, publicKey: 'not a key' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
