import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SignetError } from '@signet/sdk';
import { createPolicyRepository } from '../../../src/store/core/index.js';
import { openDatabase } from '../../../src/store/database.js';
import { DIALECTS, freshDatabase } from '../../helpers/databases.js';

const policyText = (revision: string) => `version: 1
revision: "${revision}"
rules:
  - name: dev
    allow:
      keys: ["soft://dev-*"]
`;

describe.each(DIALECTS)('the policy repository on %s', async (dialect) => {
  const database = await freshDatabase(dialect);
  const other = await openDatabase({ url: database.url, ...(database.schema ? { schema: database.schema } : {}) });
  afterAll(() => other.close());
  const policies = createPolicyRepository(database);

  it('has no current policy before the first is stored', async () => {
    expect(await policies.current()).toBeUndefined();
    expect(await policies.get(1)).toBeUndefined();
  });

  it('stores the text as submitted, with its hash, author and parsed form', async () => {
    const text = policyText('r1').replace('version: 1', '# who may sign what\nversion: 1');
    const stored = await policies.put({ text, source: 'policy.yaml', actor: 'idp|admin' });
    expect(stored).toMatchObject({ version: 1, revision: 'r1', text, createdBy: 'idp|admin' });
    expect(stored.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(stored.policy.revision).toBe('r1');
    // The parsed form holds compiled matchers (closures): compare its document, the rest exactly.
    const { policy, ...fields } = stored;
    for (const read of [await policies.get(1), await policies.current()]) {
      expect(read).toMatchObject(fields);
      expect(read?.policy.document).toStrictEqual(policy.document);
    }
  });

  it('refuses an invalid policy with INVALID_POLICY and stores nothing', async () => {
    const before = await policies.list();
    const error = await policies
      .put({ text: 'version: 1\nrules: [{ name: 7 }]\n', actor: 'idp|admin' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignetError);
    expect((error as SignetError).code).toBe('INVALID_POLICY');
    expect(await policies.list()).toStrictEqual(before);
  });

  it('numbers 10 concurrent puts from two replicas 2..11, each once, the last current', async () => {
    // Two handles on PostgreSQL; one on SQLite, where a second handle in the same process would
    // block the event loop in better-sqlite3's busy wait (separate processes do not).
    const repositories = [policies, createPolicyRepository(dialect === 'postgres' ? other : database)];
    const stored = await Promise.all(
      Array.from({ length: 10 }, (_, i) => repositories[i % 2]!.put({ text: policyText(`c${i}`), actor: `idp|${i}` })),
    );
    expect(stored.map((s) => s.version).sort((a, b) => a - b)).toStrictEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const list = await policies.list();
    expect(list.map((v) => v.version)).toStrictEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const latest = stored.find((s) => s.version === 11)!;
    expect((await policies.current())?.revision).toBe(latest.revision);
    const { text: _text, policy: _policy, ...summary } = latest;
    expect(list[10]).toStrictEqual(summary);
  });
});
