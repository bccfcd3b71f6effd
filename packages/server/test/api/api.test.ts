import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDigestSignature } from '@signet/sdk/formats/raw';
import { fromPem } from '@signet/sdk/x509';
import { createApp } from '../../src/api/app.js';
import type { Services } from '../../src/api/services.js';
import { IDP, memoryServices, POLICY } from '../helpers/services.js';

type App = ReturnType<typeof createApp>;
const digest = (text: string) => createHash('sha256').update(text).digest('hex');

function call(app: App, method: string, path: string, options: { token?: string; body?: unknown; raw?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
}

describe('the HTTP API', () => {
  let services: Services;
  let app: App;

  beforeAll(async () => {
    services = await memoryServices();
    app = createApp(services);
  });

  describe('health, metrics and OpenAPI', () => {
    it('answers probes and serves metrics and an OpenAPI 3.1 document without authentication', async () => {
      expect(await (await call(app, 'GET', '/healthz')).json()).toEqual({ status: 'ok' });
      expect((await call(app, 'GET', '/readyz')).status).toBe(200);
      expect(await (await call(app, 'GET', '/metrics')).text()).toContain('signet_http_requests_total');
      const doc = (await (await call(app, 'GET', '/openapi.json')).json()) as {
        openapi: string;
        paths: Record<string, unknown>;
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/v1/sign',
          '/v1/jobs',
          '/v1/approvals',
          '/v1/keys',
          '/v1/policy',
          '/v1/audit/checkpoint',
        ]),
      );
    });
  });

  describe('authentication', () => {
    it('refuses /v1 without a valid token with a 401 problem', async () => {
      for (const token of [undefined, 'nope']) {
        const res = await call(app, 'GET', '/v1/keys', token ? { token } : {});
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(await res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      }
    });
  });

  describe('signing', () => {
    it('lists keys with their public keys and certificates', async () => {
      const { keys } = (await (await call(app, 'GET', '/v1/keys', { token: 'token-alice' })).json()) as {
        keys: { uri: string; certificates: string[] }[];
      };
      expect(keys.map((k) => k.uri)).toEqual(['soft://audit', 'soft://dev', 'soft://prod']);
      const one = await call(app, 'GET', `/v1/keys/${encodeURIComponent('soft://dev')}`, { token: 'token-alice' });
      expect(one.status).toBe(200);
      expect(
        (await call(app, 'GET', `/v1/keys/${encodeURIComponent('soft://ghost')}`, { token: 'token-alice' })).status,
      ).toBe(404);
    });

    it('signs a batch of digests that verify with the key, each with its audit index', async () => {
      const digests = ['a', 'b'].map(digest);
      const res = await call(app, 'POST', '/v1/sign', {
        token: 'token-alice',
        body: { key: 'soft://dev', items: digests.map((d) => ({ digest: d, artifact: { name: 'x.jar' } })) },
      });
      expect(res.status).toBe(200);
      const result = (await res.json()) as {
        signatures: { signature: string; auditIndex: number }[];
        algorithm: string;
      };
      const key = (await (
        await call(app, 'GET', `/v1/keys/${encodeURIComponent('soft://dev')}`, { token: 'token-alice' })
      ).json()) as { publicKey: string };
      const spki = fromPem(key.publicKey, 'PUBLIC KEY')[0]!;
      result.signatures.forEach((s, i) => {
        const ok = verifyDigestSignature({
          publicKey: spki,
          algorithm: 'ecdsa-p256-sha256',
          digest: Buffer.from(digests[i]!, 'hex'),
          signature: Buffer.from(s.signature, 'base64'),
        });
        expect(ok).toBe(true);
      });
      expect(result.signatures.map((s) => s.auditIndex)).toEqual([1, 2]);
    });

    it('refuses what the policy does not allow with 403 and every reason', async () => {
      const res = await call(app, 'POST', '/v1/sign', {
        token: 'token-bob',
        body: { key: 'soft://dev', items: [{ digest: digest('c') }] },
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'POLICY_DENIED', details: { reasons: expect.any(Array) } });
    });

    it('refuses malformed requests with a 400 problem naming the field', async () => {
      const cases = [
        { key: 'soft://dev', items: [{ digest: 'zz' }] },
        { key: 'soft://dev', items: [{ digest: digest('x') }], extra: true },
        { key: 'soft://dev', items: [{ digest: digest('x').slice(0, 10) }] },
        { key: 'soft://dev', items: [] },
      ];
      for (const body of cases) {
        const res = await call(app, 'POST', '/v1/sign', { token: 'token-alice', body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(((await res.json()) as { code: string }).code).toMatch(/INVALID_ARGUMENT|DIGEST_LENGTH_MISMATCH/);
      }
      expect((await call(app, 'POST', '/v1/sign', { token: 'token-alice', raw: '{ not json' })).status).toBe(400);
    });

    it('refuses a body over the limit with 413', async () => {
      const res = await call(app, 'POST', '/v1/sign', {
        token: 'token-alice',
        raw: JSON.stringify({ key: 'x'.repeat(100_000) }),
      });
      expect(res.status).toBe(413);
    });
  });

  describe('an approval flow end to end', () => {
    it('goes pending, refuses self-approval, takes two approvals, then signs', async () => {
      const body = { key: 'soft://prod', items: [{ digest: digest('release'), artifact: { name: 'app.jar' } }] };
      const pending = await call(app, 'POST', '/v1/sign', { token: 'token-alice', body });
      expect(pending.status).toBe(409);
      const { details } = (await pending.json()) as { details: { requestId: string } };
      const listed = (await (await call(app, 'GET', '/v1/approvals', { token: 'token-bob' })).json()) as {
        pending: { id: string; items: { artifact: { name: string } }[] }[];
      };
      expect(listed.pending.map((p) => p.id)).toContain(details.requestId);
      const approve = (token: string) =>
        call(app, 'POST', `/v1/approvals/${details.requestId}`, { token, body: { decision: 'approve' } });
      expect((await approve('token-alice')).status).toBe(403);
      expect((await approve('token-bob')).status).toBe(200);
      expect(((await (await approve('token-carol')).json()) as { decision: { effect: string } }).decision.effect).toBe(
        'allow',
      );
      expect((await call(app, 'POST', '/v1/sign', { token: 'token-alice', body })).status).toBe(200);
    });
  });

  describe('jobs', () => {
    it('runs a job and long-polls its result', async () => {
      const submitted = await call(app, 'POST', '/v1/jobs', {
        token: 'token-alice',
        body: { key: 'soft://dev', items: [{ digest: digest('job') }] },
      });
      expect(submitted.status).toBe(202);
      const { id } = (await submitted.json()) as { id: string };
      const result = await call(app, 'GET', `/v1/jobs/${id}/result?wait=5`, { token: 'token-alice' });
      expect(result.status).toBe(200);
      expect((await call(app, 'GET', '/v1/jobs/nope', { token: 'token-alice' })).status).toBe(404);
    });

    it("are their requester's: others are told they do not exist and cannot cancel them; admins see them", async () => {
      const submitted = await call(app, 'POST', '/v1/jobs', {
        token: 'token-alice',
        body: { key: 'soft://prod', items: [{ digest: digest('owned job') }] },
      });
      const job = (await submitted.json()) as { id: string; requester: string };
      expect(job.requester).toBe(`${IDP}|alice`);
      for (const [method, path] of [
        ['GET', `/v1/jobs/${job.id}`],
        ['GET', `/v1/jobs/${job.id}/result`],
        ['POST', `/v1/jobs/${job.id}/cancel`],
      ] as const) {
        const answer = await call(app, method, path, { token: 'token-bob' });
        expect(answer.status, `${method} ${path}`).toBe(404);
      }
      let state = 'running';
      for (let tries = 0; state === 'running' && tries < 100; tries++) {
        const seen = await call(app, 'GET', `/v1/jobs/${job.id}`, { token: 'token-admin' });
        state = ((await seen.json()) as { state: string }).state;
        if (state === 'running') await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(state).toBe('awaiting-approval');
      expect((await call(app, 'POST', `/v1/jobs/${job.id}/cancel`, { token: 'token-alice' })).status).toBe(200);
    });
  });

  describe('the policy', () => {
    it('is read by anyone, replaced only by admins, and an invalid one changes nothing', async () => {
      const current = (await (await call(app, 'GET', '/v1/policy', { token: 'token-alice' })).json()) as {
        version: number;
      };
      expect((await call(app, 'PUT', '/v1/policy', { token: 'token-alice', body: { text: POLICY } })).status).toBe(403);
      const bad = await call(app, 'PUT', '/v1/policy', {
        token: 'token-admin',
        body: { text: 'version: 1\nrules: [' },
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { code: string }).code).toBe('INVALID_POLICY');
      expect(
        ((await (await call(app, 'GET', '/v1/policy', { token: 'token-alice' })).json()) as { version: number })
          .version,
      ).toBe(current.version);
      const next = await call(app, 'PUT', '/v1/policy', {
        token: 'token-admin',
        body: { text: POLICY.replace('api-test-1', 'api-test-2') },
      });
      expect((await next.json()) as { version: number; revision: string }).toMatchObject({
        version: current.version + 1,
        revision: 'api-test-2',
      });
    });
  });

  describe('the audit log', () => {
    it('serves records, proofs and a checkpoint', async () => {
      const { size, events } = (await (
        await call(app, 'GET', '/v1/audit/events?limit=2', { token: 'token-alice' })
      ).json()) as { size: number; events: unknown[] };
      expect(size).toBeGreaterThan(2);
      expect(events).toHaveLength(2);
      const proof = await call(app, 'GET', `/v1/audit/proof/inclusion?index=0&size=${size}`, { token: 'token-alice' });
      expect(proof.status).toBe(200);
      expect((await call(app, 'GET', `/v1/audit/proof/inclusion?index=${size}`, { token: 'token-alice' })).status).toBe(
        400,
      );
      expect((await call(app, 'GET', '/v1/audit/proof/consistency?from=1', { token: 'token-alice' })).status).toBe(200);
      const text = await (await call(app, 'GET', '/v1/audit/export', { token: 'token-alice' })).text();
      expect(text.trim().split('\n')).toHaveLength(size);
    });
  });
});
