import { spawn } from 'node:child_process';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileAuditStore, createMemoryAuditStore } from '../../src/audit/index.js';
import { tempDir } from '../helpers/temp.js';
import { expectCode } from './helpers.js';
import { chain, CHECKPOINT, describeAuditStore } from './store-contract.js';

describeAuditStore('memory', async () => createMemoryAuditStore());

let folders = 0;
const root = await tempDir('signet-audit-');
const freshFolder = (): string => join(root, `log-${folders++}`);

describeAuditStore('file', () => createFileAuditStore({ directory: freshFolder() }));

describe('the file audit store', () => {
  it('writes one canonical record per line, and reads it all back after a reopen', async () => {
    const directory = freshFolder();
    const records = chain(30);
    const store = await createFileAuditStore({ directory });
    await store.append(records);
    await store.appendCheckpoint(CHECKPOINT);
    await store.close();
    expect(await readFile(join(directory, 'events.jsonl'), 'utf8')).toBe(records.map((r) => `${r.json}\n`).join(''));

    const again = await createFileAuditStore({ directory });
    expect(await again.size()).toBe(30);
    expect(await again.read(0, 30)).toEqual(records);
    expect(await again.checkpoints()).toEqual([CHECKPOINT]);
    await again.append(chain(1, 30, 'ff'.repeat(32)));
    expect(await again.size()).toBe(31);
    await again.close();
  });

  describe('after a crash in the middle of a write', () => {
    it('cuts off the torn last line and goes on from the record before it', async () => {
      const directory = freshFolder();
      const records = chain(3);
      const store = await createFileAuditStore({ directory });
      await store.append(records.slice(0, 2));
      await store.close();
      const events = join(directory, 'events.jsonl');
      await appendFile(events, records[2]!.json.slice(0, 40)); // no newline: the write was torn

      const reopened = await createFileAuditStore({ directory });
      expect(await reopened.size()).toBe(2);
      expect(await reopened.read(0, 2)).toEqual(records.slice(0, 2));
      await reopened.append([records[2]!]);
      await reopened.close();
      expect(await readFile(events, 'utf8')).toBe(records.map((r) => `${r.json}\n`).join(''));
    });

    it('cuts off a torn checkpoint line too', async () => {
      const directory = freshFolder();
      const store = await createFileAuditStore({ directory });
      await store.appendCheckpoint(CHECKPOINT);
      await store.close();
      await appendFile(join(directory, 'checkpoints.jsonl'), '{"origin":"te');
      const reopened = await createFileAuditStore({ directory });
      expect(await reopened.checkpoints()).toEqual([CHECKPOINT]);
      await reopened.close();
    });
  });

  describe('with a damaged line that is not the torn last one', () => {
    it.each([
      ['not JSON', () => '{"actor":'],
      ['a record with the wrong index', () => chain(1, 7)[0]!.json],
      ['an empty line', () => ''],
    ])('refuses to open (AUDIT_CORRUPT) and names the line: %s', async (_, damaged) => {
      const directory = freshFolder();
      await mkdir(directory, { recursive: true });
      const lines = chain(4).map((r) => r.json);
      lines[1] = damaged();
      await writeFile(join(directory, 'events.jsonl'), lines.map((l) => `${l}\n`).join(''));
      const opening = createFileAuditStore({ directory });
      await expect(opening).rejects.toMatchObject({ code: 'AUDIT_CORRUPT', details: { line: 2 } });
      // The failed open released its lock: fixing the file lets it open.
      await writeFile(
        join(directory, 'events.jsonl'),
        chain(4)
          .map((r) => `${r.json}\n`)
          .join(''),
      );
      const fixed = await createFileAuditStore({ directory });
      expect(await fixed.size()).toBe(4);
      await fixed.close();
    });

    it('refuses a damaged checkpoint line', async () => {
      const directory = freshFolder();
      await mkdir(directory, { recursive: true });
      await writeFile(join(directory, 'checkpoints.jsonl'), `{"treeSize":"x"}\n${JSON.stringify(CHECKPOINT)}\n`);
      await expect(createFileAuditStore({ directory })).rejects.toMatchObject({
        code: 'AUDIT_CORRUPT',
        details: { line: 1 },
      });
    });
  });

  describe('its lock', () => {
    it('refuses a second store on the same folder in this process, until the first closes', async () => {
      const directory = freshFolder();
      const first = await createFileAuditStore({ directory });
      await expectCode(createFileAuditStore({ directory }), 'AUDIT_UNAVAILABLE');
      await first.close();
      const second = await createFileAuditStore({ directory });
      await second.close();
    });

    it('refuses a folder locked by another live process', async () => {
      const directory = freshFolder();
      await mkdir(directory, { recursive: true });
      const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
      try {
        await writeFile(join(directory, 'LOCK'), `${other.pid}\n`);
        await expect(createFileAuditStore({ directory })).rejects.toMatchObject({
          code: 'AUDIT_UNAVAILABLE',
          details: { pid: other.pid },
        });
      } finally {
        other.kill();
      }
    });

    it('takes over a lock left by a process that is gone, or by an earlier life of this pid', async () => {
      for (const pid of [2 ** 22 + 12345, process.pid]) {
        const directory = freshFolder();
        await mkdir(directory, { recursive: true });
        await writeFile(join(directory, 'LOCK'), `${pid}\n`);
        const store = await createFileAuditStore({ directory });
        expect(await readFile(join(directory, 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
        await store.close();
      }
    });
  });
});
