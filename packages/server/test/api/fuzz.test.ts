import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { Services } from '../../src/api/services.js';
import { memoryServices, PEOPLE } from '../helpers/services.js';

const ENDPOINTS: ReadonlyArray<readonly [string, string]> = [
  ['POST', '/v1/sign'],
  ['POST', '/v1/jobs'],
  ['POST', '/v1/approvals/' + 'a'.repeat(64)],
  ['PUT', '/v1/policy'],
  ['GET', '/v1/keys/soft%3A%2F%2Fdev'],
  ['GET', '/v1/audit/events'],
  ['GET', '/v1/audit/proof/inclusion'],
  ['GET', '/v1/audit/proof/consistency'],
  ['GET', '/v1/jobs/x/result'],
];

/** JSON-ish values that look like requests, plus plain junk. */
const body = fc.oneof(
  fc.json(),
  fc.string(),
  fc.record(
    {
      key: fc.oneof(fc.constant('soft://dev'), fc.string()),
      items: fc.oneof(
        fc.array(fc.record({ digest: fc.oneof(fc.stringMatching(/^[0-9a-f]{0,80}$/), fc.string()) })),
        fc.anything(),
      ),
      algorithm: fc.oneof(fc.constant('ecdsa-p256-sha256'), fc.string()),
      text: fc.string(),
      decision: fc.constantFrom('approve', 'deny', 'maybe'),
    },
    { requiredKeys: [] },
  ),
);

describe('the API under random input', () => {
  let services: Services;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    services = await memoryServices();
    app = createApp(services);
  });

  it('never answers 5xx, and a rejected request changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        fc.constantFrom(...Object.keys(PEOPLE), 'bogus'),
        body,
        fc.string({ maxLength: 20 }),
        async ([method, path], token, payload, query) => {
          const auditBefore = await services.audit.size();
          const policyBefore = (await services.policies.current())!.version;
          const url = `${path}?${encodeURIComponent(query)}=${encodeURIComponent(query)}&index=${query}&from=${query}`;
          const init: RequestInit = {
            method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          };
          if (method !== 'GET') init.body = typeof payload === 'string' ? payload : JSON.stringify(payload);
          const res = await app.request(url, init);
          expect(res.status, `${method} ${url} ${String(init.body)}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type')).toContain('application/problem+json');
            const problem = (await res.json()) as { code: string; detail: string };
            expect(problem.detail).not.toMatch(/\n\s+at /); // no stack trace
            // Only the engine's own refusals are recorded (a decision is an audit event by design).
            if (!['POLICY_DENIED', 'APPROVAL_REQUIRED'].includes(problem.code)) {
              expect(await services.audit.size()).toBe(auditBefore);
            }
            expect((await services.policies.current())!.version).toBe(policyBefore);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
