import { setTimeout as delay } from 'node:timers/promises';
import { createSigner } from '@signet/sdk';
import type { KyselyPlugin } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDbAuditLog } from '../../../src/store/audit/index.js';
import { openDatabase } from '../../../src/store/database.js';
import { DIALECTS } from '../../helpers/databases.js';
import { freshDatabase } from './fresh-database.js';
import { softKeys } from './soft-keys.js';

const event = (n: number) => ({ type: 'signature' as const, actor: 'local|alice', data: { n } });

/** Answers every query 20 ms late: a slow replica, whose reads the other replica outruns. */
const lagging: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => (await delay(20), args.result),
};

describe.each(DIALECTS)('opening the audit log on %s', (dialect) => {
  it('while another replica appends and checkpoints, finds every checkpoint consistent', async () => {
    const database = await freshDatabase(dialect);
    const connection = await openDatabase({ url: database.url });
    onTestFinished(() => connection.close());
    const other = { ...connection, db: connection.db.withPlugin(lagging) };
    const signer = await createSigner(await softKeys('audit'), 'soft://audit');
    const busy = await createDbAuditLog(database, { origin: 'test/audit', checkpointSigner: signer });
    let stop = false;
    const appending = (async () => {
      for (let n = 0; !stop; n++) {
        await busy.append([event(n)]);
        await busy.checkpoint();
      }
    })();
    try {
      // A replica (re)starting meanwhile checks the stored checkpoints against the records it reads.
      for (let opens = 0; opens < 10; opens++) {
        const log = await createDbAuditLog(other, { origin: 'test/audit' });
        await log.close();
      }
    } finally {
      stop = true;
      await appending;
    }
    expect(await busy.size()).toBeGreaterThan(0);
  });
});
