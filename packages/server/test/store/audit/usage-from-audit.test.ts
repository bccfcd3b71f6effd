import { describe, expect, it } from 'vitest';
import { createDbAuditLog } from '../../../src/store/audit/index.js';
import { createDbUsageStore } from '../../../src/store/core/index.js';
import { DIALECTS, freshDatabase } from '../../helpers/databases.js';

describe.each(DIALECTS)('usage counted from the audit log on %s', (dialect) => {
  it('turns each signature record into one usage row, in the append’s transaction', async () => {
    const database = await freshDatabase(dialect);
    const audit = await createDbAuditLog(database, { origin: 'test/audit' });
    const usage = createDbUsageStore(database, { recordedByAudit: true });
    const since = new Date(Date.now() - 60_000);
    const signature = (n: number) => ({
      type: 'signature' as const,
      actor: 'idp|alice',
      data: { key: 'soft://k', rule: 'dev', item: n },
    });
    await audit.append([
      { type: 'decision', actor: 'idp|alice', data: { key: 'soft://k', rule: 'dev' } },
      signature(0),
      signature(1),
    ]);
    await usage.record({ key: 'soft://k', principal: 'idp|alice', rule: 'dev', at: new Date(), count: 2 }); // no double count
    expect(await usage.count({ key: 'soft://k', since })).toBe(2);
    expect(await usage.count({ principal: 'idp|alice', rule: 'dev', since })).toBe(2);
    expect(await usage.count({ key: 'soft://other', since })).toBe(0);
    await audit.close();
  });
});
