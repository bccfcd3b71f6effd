import { createSigner } from '@signet/sdk';
import { toHex, verifyAuditExport, verifyConsistency, verifyInclusion, recordLeafHash } from '@signet/sdk/audit';
import { onTestFinished, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { createDbAuditLog, writeTransaction } from '../../../src/store/audit/index.js';
import { DIALECTS } from '../../helpers/databases.js';
import { freshDatabase } from './fresh-database.js';
import { softKeys } from './soft-keys.js';

const event = (n: number) => ({
  type: 'signature' as const,
  actor: 'local|alice',
  data: { n, digest: 'ab'.repeat(32) },
});
const lines = async (it: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const line of it) out.push(line);
  return out;
};

describe.each(DIALECTS)('the database audit log on %s', (dialect) => {
  it('writes records that the SDK verifier accepts against a signed checkpoint', async () => {
    const database = await freshDatabase(dialect);
    const soft = await softKeys('audit');
    const signer = await createSigner(soft, 'soft://audit');
    const log = await createDbAuditLog(database, { origin: 'test/audit', checkpointSigner: signer });
    const appended = await Promise.all(Array.from({ length: 20 }, (_, n) => log.append([event(n), event(n + 100)])));
    expect(
      appended
        .flat()
        .map((r) => r.index)
        .sort((a, b) => a - b),
    ).toEqual([...Array(40).keys()]);
    const checkpoint = await log.checkpoint();
    expect(checkpoint.treeSize).toBe(40);
    const verdict = verifyAuditExport({
      events: await lines(log.export()),
      checkpoint,
      publicKey: signer.key.publicKey,
    });
    expect(verdict).toMatchObject({ ok: true, treeSize: 40, events: 40 });
    expect(await log.latestCheckpoint()).toEqual(checkpoint);

    const [record] = await log.read(7, 8);
    const root = await log.root();
    expect(verifyInclusion(recordLeafHash(record!), 7, 40, await log.inclusionProof(7), root)).toBe(true);
    const old = await log.root(10);
    expect(verifyConsistency(10, 40, old, root, await log.consistencyProof(10))).toBe(true);
    await log.close();
    await expect(log.append([event(1)])).rejects.toMatchObject({ code: 'AUDIT_CLOSED' });
  });

  it('fails closed: a transaction that throws appends nothing', async () => {
    const database = await freshDatabase(dialect);
    const log = await createDbAuditLog(database, { origin: 'test/audit' });
    await log.append([event(0)]);
    const boom = writeTransaction(database, async (trx) => {
      await log.appendInTransaction(trx, [event(1), event(2)]);
      throw new Error('the job could not be completed');
    });
    await expect(boom).rejects.toThrow('the job could not be completed');
    expect(await log.size()).toBe(1);
    const [next] = await log.append([event(3)]);
    expect(next!.index).toBe(1); // no hole where the rolled-back records were
    await expect(log.append([{ type: 'nonsense' as never, actor: 'a', data: {} }])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(await log.size()).toBe(2);
  });

  it('reopens a stored log and refuses one whose records were changed', async () => {
    const database = await freshDatabase(dialect);
    const log = await createDbAuditLog(database, { origin: 'test/audit' });
    await log.append([event(0), event(1), event(2)]);
    const again = await createDbAuditLog(database, { origin: 'test/audit' });
    expect(toHex(await again.root())).toBe(toHex(await log.root()));
    const [first] = await log.read(0, 1);
    const forged = (await lines(log.export()))[0]!.trim().replace('"n":0', '"n":9');
    await database.db.updateTable('audit_records').set({ json: forged }).where('index', '=', first!.index).execute();
    await expect(createDbAuditLog(database, { origin: 'test/audit' })).rejects.toMatchObject({ code: 'AUDIT_CORRUPT' });
  });
});

describe('two replicas on one PostgreSQL schema', () => {
  it('append 500 events each at once: contiguous indexes, one chain, the same root', async () => {
    const first = await freshDatabase('postgres');
    const second = await openDatabase({ url: first.url, ...(first.schema ? { schema: first.schema } : {}) });
    onTestFinished(() => second.close());
    const a = await createDbAuditLog(first, { origin: 'test/audit' });
    const b = await createDbAuditLog(second, { origin: 'test/audit' });
    const burst = (log: typeof a, offset: number) =>
      Promise.all(Array.from({ length: 500 }, (_, n) => log.append([event(offset + n)])));
    const [fromA, fromB] = await Promise.all([burst(a, 0), burst(b, 1000)]);
    const indexes = [...fromA, ...fromB]
      .flat()
      .map((r) => r.index)
      .sort((x, y) => x - y);
    expect(indexes).toEqual([...Array(1000).keys()]);

    const soft = await softKeys('audit');
    const signer = await createSigner(soft, 'soft://audit');
    const checkpointing = await createDbAuditLog(first, { origin: 'test/audit', checkpointSigner: signer });
    const checkpoint = await checkpointing.checkpoint();
    const verdict = verifyAuditExport({ events: await lines(b.export()), checkpoint, publicKey: signer.key.publicKey });
    expect(verdict).toMatchObject({ ok: true, treeSize: 1000 });
    expect(await a.size()).toBe(1000);
    expect(toHex(await a.root())).toBe(toHex(await b.root()));
  });
});
