import type { KeyProvider } from '@signet/sdk';
import { createPolicy } from '@signet/sdk/policy';
import { createMemoryApprovalStore, type Principal, type SigningRequest } from '@signet/sdk/signing';
import type { Database } from '../../src/store/database.js';
import { createDbAuditLog } from '../../src/store/audit/index.js';
import { createDbJobQueue, type DbJobQueueOptions } from '../../src/jobs/index.js';
import { softKeys } from '../store/audit/soft-keys.js';

const user = (subject: string, groups: string[]): Principal => ({
  kind: 'user',
  subject,
  issuer: 'https://idp',
  authMethod: 'jwt',
  groups,
});
export const ALICE = user('alice', ['developers']);
export const BOB = user('bob', ['security']);
export const CAROL = user('carol', ['security']);

/** Developers sign with dev keys freely; the prod key needs two approvals from security. */
export const policy = createPolicy({
  version: 1,
  revision: 'jobs-1',
  roles: [
    { role: 'developer', members: [{ group: 'developers' }] },
    { role: 'security', members: [{ group: 'security' }] },
  ],
  rules: [
    { name: 'dev', allow: { roles: ['developer'], keys: ['soft://dev'] } },
    {
      name: 'prod',
      allow: { roles: ['developer'], keys: ['soft://prod'] },
      approvals: { steps: [{ role: 'security', count: 2 }] },
    },
  ],
});

export const request = (n: number, key = 'soft://dev'): SigningRequest => ({
  principal: ALICE,
  key,
  algorithm: 'ecdsa-p256-sha256',
  items: [{ digest: new Uint8Array(32).fill(n % 256).map((b, i) => (i === 0 ? n >> 8 : b)) }],
});

export const keys = () => softKeys('dev', 'prod');

/** A queue on `database` with the real engine; `provider` may wrap the soft keys. */
export async function queueOn(
  database: Database,
  provider: KeyProvider,
  options: Partial<DbJobQueueOptions> & { workerId: string },
) {
  const audit = await createDbAuditLog(database, { origin: 'test/audit' });
  const approvals = options.engineOptions?.approvals ?? createMemoryApprovalStore();
  return createDbJobQueue({
    database,
    audit,
    pollIntervalMs: 50,
    approvalPollMs: 100,
    ...options,
    engineOptions: { providers: provider, policy, approvals, ...options.engineOptions },
  });
}

/** Signature records per request fingerprint, from the audit table itself. */
export async function signaturesPerRequest(database: Database): Promise<Map<string, number>> {
  const rows = await database.db.selectFrom('audit_records').select('json').where('type', '=', 'signature').execute();
  const counts = new Map<string, number>();
  for (const { json } of rows) {
    const id = (JSON.parse(json) as { data: { requestId: string } }).data.requestId;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
