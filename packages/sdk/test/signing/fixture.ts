import { createAuditLog, createMemoryAuditStore, type AuditLog } from '../../src/audit/index.js';
import { createPolicy, type Policy } from '../../src/policy/index.js';
import type { KeyProvider } from '../../src/provider/provider.js';
import type { SoftKeyProvider } from '../../src/provider/soft/index.js';
import {
  createSigningEngine,
  type Principal,
  type SigningEngine,
  type SigningEngineOptions,
  type SigningRequest,
} from '../../src/signing/index.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';

export const IDP = 'https://idp.acme.com';
export const user = (subject: string, groups: string[] = []): Principal => ({
  kind: 'user',
  subject,
  issuer: IDP,
  authMethod: 'jwt',
  groups,
});
export const ALICE = user('alice@acme.com', ['developers']);
export const BOB = user('bob@acme.com', ['security']);
export const CAROL = user('carol@acme.com', ['security']);
export const MALLORY = user('mallory@acme.com');

/** Developers sign with dev keys freely; the prod key needs two approvals from security. */
export function testPolicy(): Policy {
  return createPolicy({
    version: 1,
    revision: 'test-1',
    roles: [
      { role: 'developer', members: [{ group: 'developers' }] },
      { role: 'security', members: [{ group: 'security' }] },
    ],
    rules: [
      { name: 'dev', allow: { roles: ['developer'], keys: ['soft://dev-*'] } },
      {
        name: 'prod',
        allow: { roles: ['developer'], keys: ['soft://prod'] },
        approvals: { steps: [{ role: 'security', count: 2 }], expiresAfter: '1h' },
      },
      { name: 'no-tools', deny: { keys: ['soft://dev-*'], artifacts: ['*.sh'] } },
    ],
  });
}

export interface Fixture {
  soft: SoftKeyProvider;
  /** Counts calls to `sign`, to prove what was (not) signed. */
  provider: KeyProvider & { signCalls: number };
  audit: AuditLog;
  engine: SigningEngine;
}

/** A software key store with keys dev-a (P-256) and prod (P-256), an in-memory audit log, the test policy. */
export async function createFixture(overrides: Partial<SigningEngineOptions> = {}): Promise<Fixture> {
  const soft = await openTestStore(await tempDir());
  await soft.generateKey({ name: 'dev-a', spec: 'ec-p256' });
  await soft.generateKey({ name: 'prod', spec: 'ec-p256' });
  const provider = Object.assign(Object.create(null) as object, soft, {
    signCalls: 0,
    sign(params: Parameters<KeyProvider['sign']>[0]) {
      provider.signCalls++;
      return soft.sign(params);
    },
  }) as KeyProvider & { signCalls: number };
  const audit = await createAuditLog({ store: createMemoryAuditStore(), origin: 'test/audit', commitInterval: 0 });
  const engine = createSigningEngine({ providers: provider, policy: testPolicy(), audit, ...overrides });
  return { soft, provider, audit, engine };
}

export function request(overrides: Partial<SigningRequest> = {}): SigningRequest {
  return {
    principal: ALICE,
    key: 'soft://dev-a',
    algorithm: 'ecdsa-p256-sha256',
    items: [{ digest: new Uint8Array(32).fill(1), artifact: { name: 'app.jar' } }],
    metadata: { format: 'cms' },
    ...overrides,
  };
}
