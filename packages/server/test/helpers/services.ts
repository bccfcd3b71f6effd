import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll } from 'vitest';
import { createProviderRegistry, createSigner, SignetError } from '@signet/sdk';
import { createAuditLog, createMemoryAuditStore } from '@signet/sdk/audit';
import { parsePolicy } from '@signet/sdk/policy';
import { createMemoryJobQueue, createSigningEngine, type Principal } from '@signet/sdk/signing';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { issueSelfSignedCertificate } from '@signet/sdk/x509';
import type { MiddlewareHandler } from 'hono';
import { createMetrics } from '../../src/api/metrics.js';
import type { AppEnv, PolicyRepository, Services, StoredPolicy } from '../../src/api/services.js';

export const IDP = 'https://idp.test';
const person = (subject: string, groups: string[], roles: string[] = []): Principal => ({
  kind: 'user',
  subject,
  issuer: IDP,
  authMethod: 'jwt',
  groups,
  roles,
});

/** Bearer tokens of the test world (authentication itself is tested in test/auth). */
export const PEOPLE: Record<string, Principal> = {
  'token-alice': person('alice', ['developers']),
  'token-bob': person('bob', ['security']),
  'token-carol': person('carol', ['security']),
  'token-admin': person('root', [], ['admin']),
};

export const POLICY = `
version: 1
revision: "api-test-1"
roles:
  - role: developer
    members: [{ group: developers }]
  - role: security
    members: [{ group: security }]
rules:
  - name: dev
    allow: { roles: [developer], keys: ["soft://dev"] }
  - name: prod
    allow: { roles: [developer], keys: ["soft://prod"] }
    approvals: { steps: [{ role: security, count: 2 }] }
`;

function memoryPolicies(initial: string): PolicyRepository {
  const versions: StoredPolicy[] = [];
  const put: PolicyRepository['put'] = async ({ text, actor }) => {
    const policy = parsePolicy(text, { source: 'policy' });
    const stored = {
      id: String(versions.length + 1),
      version: versions.length + 1,
      revision: policy.revision,
      sha256: createHash('sha256').update(text).digest('hex'),
      text,
      createdAt: new Date(),
      createdBy: actor,
      policy,
    };
    versions.push(stored);
    return stored;
  };
  void put({ text: initial, actor: 'test' });
  return {
    current: async () => versions.at(-1),
    put,
    get: async (version) => versions[version - 1],
    list: async () => versions,
  };
}

const bearer: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  const principal = token ? PEOPLE[token] : undefined;
  if (!principal)
    throw new SignetError('UNAUTHENTICATED', 'A valid bearer token is required', {
      details: { reason: token ? 'unknown-token' : 'missing' },
    });
  c.set('principal', principal);
  await next();
};

/** The API's services on in-memory stores: SDK engine, memory audit log, a software key store. */
export async function memoryServices(): Promise<Services & { keysDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-api-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const soft = await createSoftKeyProvider({
    directory: join(dir, 'keys'),
    secret: { passphrase: 'x' },
    scryptCost: { N: 1024, r: 8, p: 1 },
  });
  for (const name of ['dev', 'prod', 'audit']) {
    const key = await soft.generateKey({ name, spec: 'ec-p256' });
    const cert = await issueSelfSignedCertificate(await createSigner(soft, key.uri), { subject: { commonName: name } });
    await soft.setCertificates({ key: key.uri, certificates: [cert] });
  }
  const providers = createProviderRegistry();
  providers.register('soft', () => soft);
  const audit = await createAuditLog({
    store: createMemoryAuditStore(),
    origin: 'api.test/audit',
    checkpointSigner: await createSigner(soft, 'soft://audit'),
  });
  const policies = memoryPolicies(POLICY);
  const engine = createSigningEngine({ providers, audit, policy: async () => (await policies.current())!.policy });
  return {
    engine,
    providers,
    jobs: createMemoryJobQueue(engine),
    audit,
    policies,
    authenticate: bearer,
    ready: async () => undefined,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    bodyLimit: 64 * 1024,
    keysDir: join(dir, 'keys'),
  };
}
