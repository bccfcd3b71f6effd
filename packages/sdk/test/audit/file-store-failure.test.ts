import { execFile } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAuditLog, createFileAuditStore } from '../../src/audit/index.js';
import { tempDir } from '../helpers/temp.js';

const run = promisify(execFile);
const TSX = resolve(import.meta.dirname, '../../../../node_modules/.bin/tsx');
const AUDIT = resolve(import.meta.dirname, '../../src/audit/index.ts');

// A child process whose files may not grow past 16 KiB (ulimit -f): a real write failure, EFBIG,
// part way through a batch. Node ignores SIGXFSZ, so the failure reaches the store as an error.
const CHILD = `
import { createAuditLog, createFileAuditStore } from ${JSON.stringify(AUDIT)};
const events = (n, from) => Array.from({ length: n }, (_, i) => ({ type: 'signature', actor: 'local|ci', data: { seq: from + i, pad: 'x'.repeat(200) } }));
const log = await createAuditLog({ store: await createFileAuditStore({ directory: process.argv[2] }), origin: 'test/audit' });
const out = {};
await log.append(events(10, 0));
out.sizeBefore = log.size();
out.bytesBefore = (await import('node:fs')).statSync(process.argv[2] + '/events.jsonl').size;
try { await log.append(events(100, 10)); out.failed = 'no'; } catch (e) { out.failed = e.code; }
out.sizeAfter = log.size();
out.bytesAfter = (await import('node:fs')).statSync(process.argv[2] + '/events.jsonl').size;
out.next = (await log.append(events(1, 10)))[0].index;
await log.close();
console.log(JSON.stringify(out));
`;

describe.runIf(process.platform === 'linux')('the file store when the disk refuses a write', () => {
  it('rejects the batch with AUDIT_UNAVAILABLE, rolls the file back, and continues without a hole', async () => {
    const dir = await tempDir('signet-audit-efbig-');
    const script = join(dir, 'child.mts');
    await writeFile(script, CHILD);
    const directory = join(dir, 'log');
    const { stdout } = await run('bash', ['-c', `ulimit -f 16 && exec "${TSX}" "${script}" "${directory}"`]);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ failed: 'AUDIT_UNAVAILABLE', sizeBefore: 10, sizeAfter: 10, next: 10 });
    expect(out.bytesAfter).toBe(out.bytesBefore);

    // Without the limit, the log reopens: 11 records that chain, nothing of the failed batch.
    const log = await createAuditLog({ store: await createFileAuditStore({ directory }), origin: 'test/audit' });
    expect(log.size()).toBe(11);
    expect((await log.read(10))[0]!.data.seq).toBe(10);
    await log.close();
    expect((await stat(join(directory, 'events.jsonl'))).size).toBeLessThan(16 * 1024);
  });
});
