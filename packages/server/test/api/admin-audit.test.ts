import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { initialPolicy } from '../../src/initial-policy.js';
import { DIALECTS } from '../helpers/databases.js';
import { dbServices, type DbServices } from '../helpers/db-services.js';

/** Administrative changes are in the audit log beside the signatures they govern. */
describe.each(DIALECTS)('administrative changes on %s', (dialect) => {
  let world: DbServices;
  let app: ReturnType<typeof createApp>;
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${world.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const lastRecord = async () => {
    const size = await world.services.audit.size();
    return (await world.services.audit.read(size - 1, size))[0]!;
  };

  beforeAll(async () => {
    world = await dbServices(dialect);
    app = createApp(world.services);
  });

  it('records a new policy before it comes into force, and an invalid one not at all', async () => {
    const text = initialPolicy(['soft://audit', 'soft://agent-ca']).replace('initial-1', 'audited-2');
    expect((await call('PUT', '/v1/policy', { text })).status).toBe(200);
    expect(await lastRecord()).toMatchObject({ type: 'policy', data: { action: 'put', revision: 'audited-2' } });
    const size = await world.services.audit.size();
    expect((await call('PUT', '/v1/policy', { text: 'version: 1\nrules: [nonsense' })).status).toBe(400);
    expect(await world.services.audit.size()).toBe(size);
  });

  it('records tokens made and revoked, never their secrets', async () => {
    const created = (await (await call('POST', '/v1/tokens', { name: 'ci-bot', roles: ['signer'] })).json()) as {
      id: string;
      token: string;
    };
    const made = await lastRecord();
    expect(made).toMatchObject({ type: 'admin', data: { action: 'token-create', id: created.id, roles: ['signer'] } });
    expect(JSON.stringify(made)).not.toContain(created.token.slice(-20));
    expect((await call('DELETE', `/v1/tokens/${created.id}`)).status).toBe(204);
    expect(await lastRecord()).toMatchObject({ data: { action: 'token-revoke', id: created.id } });
  });

  it('records agent enrollment tokens and revocations', async () => {
    expect((await call('POST', '/v1/agents/enrollment-tokens', { name: 'build-7' })).status).toBe(201);
    expect(await lastRecord()).toMatchObject({
      type: 'admin',
      data: { action: 'agent-enrollment-token', name: 'build-7' },
    });
    const size = await world.services.audit.size();
    expect((await call('POST', '/v1/agents/nobody/revoke')).status).toBe(404);
    expect(await world.services.audit.size()).toBe(size);
  });
});
