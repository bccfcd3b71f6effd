import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { Services } from '../../src/api/services.js';
import type { DbJobQueue } from '../../src/jobs/index.js';
import { makeCsr, tempDir } from '../auth/pki.js';
import { DIALECTS } from '../helpers/databases.js';
import { dbServices } from '../helpers/db-services.js';
import { memoryServices } from '../helpers/services.js';

/*
 * Every route the app mounts, called with random methods, path parameters, query strings, callers
 * and bodies (fast-check), on in-memory services and on the server's real database (each dialect).
 * The properties: never a 5xx; every error is problem+json without a stack trace or the caller's
 * token; and a rejected request, or a GET, changes nothing: every table's rows are compared.
 */

type App = ReturnType<typeof createApp>;

/** Random requests per world: a few seconds on SQLite, about 10 s on PostgreSQL on this machine. */
const RUNS = 800;
type ParamKind = 'key' | 'job' | 'request' | 'token' | 'agent';
type BodyKind = 'sign' | 'approval' | 'policy' | 'token' | 'enrollment' | 'enroll' | 'certificates';

interface Route {
  readonly method: string;
  /** Hono's form, as `app.routes` lists it. */
  readonly path: string;
  readonly body?: BodyKind;
  /** How often, relative to 1: the routes that write are tried more. */
  readonly weight?: number;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/v1/keys' },
  { method: 'GET', path: '/v1/keys/:key' },
  { method: 'PUT', path: '/v1/keys/:key/certificates', body: 'certificates', weight: 2 },
  { method: 'POST', path: '/v1/sign', body: 'sign', weight: 5 },
  { method: 'POST', path: '/v1/jobs', body: 'sign', weight: 3 },
  { method: 'GET', path: '/v1/jobs/:id' },
  { method: 'GET', path: '/v1/jobs/:id/result' },
  { method: 'POST', path: '/v1/jobs/:id/cancel', weight: 2 },
  { method: 'GET', path: '/v1/approvals' },
  { method: 'POST', path: '/v1/approvals/:requestId', body: 'approval', weight: 4 },
  { method: 'GET', path: '/v1/audit/events' },
  { method: 'GET', path: '/v1/audit/checkpoint' },
  { method: 'GET', path: '/v1/audit/proof/inclusion' },
  { method: 'GET', path: '/v1/audit/proof/consistency' },
  { method: 'GET', path: '/v1/audit/export' },
  { method: 'GET', path: '/v1/policy' },
  { method: 'PUT', path: '/v1/policy', body: 'policy', weight: 2 },
  { method: 'POST', path: '/v1/tokens', body: 'token', weight: 2 },
  { method: 'GET', path: '/v1/tokens' },
  { method: 'DELETE', path: '/v1/tokens/:id', weight: 2 },
  { method: 'POST', path: '/v1/agents/enrollment-tokens', body: 'enrollment', weight: 2 },
  { method: 'GET', path: '/v1/agents' },
  { method: 'POST', path: '/v1/agents/:id/revoke', weight: 2 },
  { method: 'POST', path: '/v1/agents/renew' },
  { method: 'POST', path: '/v1/agents/enroll', body: 'enroll', weight: 2 },
  // Public (RFC 3161); its DER parser has its own property test in test/timestamp.
  { method: 'POST', path: '/v1/timestamp', weight: 2 },
];

function paramKind(path: string, name: string): ParamKind {
  if (name === 'key') return 'key';
  if (name === 'requestId') return 'request';
  if (path.startsWith('/v1/tokens')) return 'token';
  if (path.startsWith('/v1/agents')) return 'agent';
  return 'job';
}

/** One server to throw requests at, and what the properties need to know about it. */
interface World {
  readonly app: App;
  /** `Authorization` header of each caller (undefined: none sent). */
  readonly callers: ReadonlyArray<readonly [string, string | undefined]>;
  /** Real ids to use as path parameters, so requests reach past "not found". */
  known(kind: ParamKind): Promise<string[]>;
  /** Keys for plausible signing requests, as often as they should come up. */
  readonly signKeys: readonly string[];
  readonly enrollmentTokens: readonly string[];
  readonly csr: string;
  readonly policy: string;
  /** Part → fingerprint; parts are named like the tables, so one rule says what may change. */
  state(): Promise<Record<string, string>>;
  /** Waits for work a request started in the background (in-memory jobs) to end. */
  settle(): Promise<void>;
  /** Jobs the world has seen accepted. */
  readonly jobIds: string[];
}

// ---------------------------------------------------------------------------------------------
// Random requests. Placeholders (`$$...`) stand for the world's secrets and documents, so a
// counterexample prints readably and resolves the same way in every world.

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const digest = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hex) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 140 }).map(hex) },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('AB'.repeat(32), '0'.repeat(63), ''), fc.anything()) },
);
const keyUri = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('soft://signing', 'soft://dev', 'soft://prod') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'soft://audit',
      'soft://agent-ca',
      'soft://nope',
      'soft://',
      'soft://../keys/signing',
      'soft://signing/../audit',
      'SOFT://signing',
      'awskms:///arn:aws:kms:eu-west-1:1:key/x',
      'pkcs11:token=a;object=b',
      'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1',
      'azurekv://vault/keys/k/1',
      'nope',
      'soft://sign\u0000ing',
      `soft://${'a'.repeat(600)}`,
    ),
  },
  { weight: 1, arbitrary: fc.string() },
);
const algorithm = fc.oneof(
  fc.constantFrom('ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa-pkcs1-sha256', 'rsa-pss-sha512', 'ed25519'),
  fc.string(),
);
/** Characters that trip storage and terminals: PostgreSQL refuses NUL in text, lone surrogates are not UTF-8. */
const AWKWARD = ['\u0000', 'a\u0000b', '\u001b[31m', '\r\n', '\uFFFF', '\uD800', '\u202E', 'x'.repeat(1025)];
const awkward = fc.constantFrom(...AWKWARD);
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string() },
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.string(), awkward).map(([a, b]) => a + b),
);
const name = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/) },
  fc.string(),
  fc.constant('x'.repeat(65)),
);

/** Requests a client would send (mostly allowed, pending or denied by policy) and their mutants. */
const plausibleSign = fc.record(
  {
    key: fc.nat().map((n) => `$$sign-key:${n}`),
    algorithm: fc.constantFrom('ecdsa-p256-sha256', 'ecdsa-p256-sha256', 'ecdsa-p384-sha384'),
    items: fc.array(
      fc.record(
        {
          digest: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hex),
          artifact: fc.record(
            { name: fc.string(), digest: fc.uint8Array({ minLength: 16, maxLength: 64 }).map(hex) },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ['digest'] },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    metadata: fc.record({ format: fc.string(), application: fc.string(), reason: fc.string() }, { requiredKeys: [] }),
    idempotencyKey: fc.oneof(fc.constantFrom('fuzz-1', 'fuzz-2'), fc.uuid()),
  },
  { requiredKeys: ['key', 'items'] },
);
const mutantSign = fc.record(
  {
    key: keyUri,
    algorithm,
    items: fc.oneof(
      { weight: 6, arbitrary: fc.array(fc.record({ digest }), { minLength: 1, maxLength: 3 }) },
      {
        weight: 2,
        arbitrary: fc.array(
          fc.record(
            {
              digest,
              artifact: fc.record({ name: text, digest: fc.oneof(digest, fc.anything()) }, { requiredKeys: [] }),
              extra: fc.anything(),
            },
            { requiredKeys: ['digest'] },
          ),
          { maxLength: 3 },
        ),
      },
      { weight: 1, arbitrary: fc.anything() },
    ),
    metadata: fc.oneof(
      fc.record({ format: text, application: text, reason: text }, { requiredKeys: [] }),
      fc.anything(),
    ),
    idempotencyKey: fc.oneof(fc.constantFrom('fuzz-1', 'fuzz-2', 'fuzz-3'), fc.string()),
  },
  { requiredKeys: ['key', 'items'] },
);
const signBody = fc.oneof({ weight: 3, arbitrary: plausibleSign }, { weight: 1, arbitrary: mutantSign });
const approvalBody = fc.record(
  {
    decision: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('approve', 'deny') },
      { weight: 1, arbitrary: fc.constantFrom('maybe', '', 'APPROVE') },
    ),
    comment: text,
  },
  { requiredKeys: ['decision'] },
);
const policyBody = fc.record(
  {
    text: fc.oneof(
      { weight: 2, arbitrary: fc.nat().map((n) => `$$policy-revision:${n}`) },
      { weight: 3, arbitrary: fc.nat().map((n) => `$$policy-without-line:${n}`) },
      fc.nat().map((n) => `$$policy-with-awkward:${n}`),
      fc.string(),
      fc.constantFrom(
        '',
        '{}',
        'version: 2',
        'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n',
      ),
    ),
  },
  { requiredKeys: [] },
);
const role = fc.constantFrom('signer', 'admin', 'approver', 'releaser');
const tokenBody = fc.record(
  {
    name,
    roles: fc.oneof(
      { weight: 3, arbitrary: fc.array(role, { maxLength: 3 }) },
      fc.array(fc.oneof(role, name), { maxLength: 22 }),
      fc.anything(),
    ),
    expiresAt: fc.oneof(
      fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString()),
      fc.string(),
    ),
  },
  { requiredKeys: ['name', 'roles'] },
);
const enrollmentBody = fc.record(
  {
    name,
    expiresInSeconds: fc.oneof(
      fc.integer({ min: 0, max: 8 * 86400 }),
      fc.double(),
      fc.constantFrom(1e308, -60, 3600.5),
      fc.string(),
    ),
  },
  { requiredKeys: ['name'] },
);
const enrollBody = fc.record(
  {
    token: fc.oneof(
      { weight: 3, arbitrary: fc.nat().map((n) => `$$enrollment-token:${n}`) },
      fc.string().map((s) => `sge_${s}`),
      fc.string(),
    ),
    csr: fc.oneof(
      { weight: 2, arbitrary: fc.constant('$$csr') },
      { weight: 2, arbitrary: fc.nat().map((n) => `$$csr-cut:${n}`) },
      { weight: 2, arbitrary: fc.nat().map((n) => `$$csr-flip:${n}`) },
      fc.string(),
      fc.string({ maxLength: 17_000, minLength: 16_000 }),
    ),
  },
  { requiredKeys: [] },
);
/** A PEM chain: junk, or PEM-shaped blocks of random bytes (never a certificate of the key). */
const certificatesBody = fc.record(
  {
    certificates: fc.oneof(
      fc.string(),
      fc
        .array(fc.uint8Array({ maxLength: 600 }), { maxLength: 3 })
        .map((blocks) =>
          blocks
            .map(
              (b) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(b).toString('base64')}\n-----END CERTIFICATE-----\n`,
            )
            .join(''),
        ),
    ),
  },
  { requiredKeys: [] },
);
const BODIES: Record<BodyKind, fc.Arbitrary<unknown>> = {
  sign: signBody,
  approval: approvalBody,
  policy: policyBody,
  token: tokenBody,
  enrollment: enrollmentBody,
  enroll: enrollBody,
  certificates: certificatesBody,
};
const anyBody = fc.oneof(
  ...Object.values(BODIES),
  fc.json().map((j) => JSON.parse(j) as unknown),
  fc.anything(),
);

/** What goes on the wire: a JSON value, raw text, or nothing. */
type Payload = { json: unknown } | { raw: string } | { none: true };
const payload = (shaped: fc.Arbitrary<unknown>): fc.Arbitrary<Payload> =>
  fc.oneof(
    { weight: 8, arbitrary: shaped.map((json) => ({ json })) },
    { weight: 1, arbitrary: anyBody.map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.string().map((raw) => ({ raw })) },
    { weight: 1, arbitrary: fc.constantFrom<Payload>({ none: true }, { raw: 'x'.repeat(70_000) }, { raw: '{"a":' }) },
  );

type Param = { known: number } | { text: string; raw: boolean };
const param: fc.Arbitrary<Param> = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((known) => ({ known })) },
  { weight: 3, arbitrary: fc.record({ text: fc.string(), raw: fc.constant(false) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      text: fc.constantFrom(
        '..',
        '%',
        '%00',
        '%zz',
        'x%2Fy',
        '\u0000',
        'a'.repeat(101),
        'ab'.repeat(32),
        ' ',
        'soft://sign\u0000ing',
        'soft://../master.key',
        'soft://keys/../../signet.db',
      ),
      raw: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ text: fc.uuid(), raw: fc.constant(true) }) },
  { weight: 1, arbitrary: fc.record({ text: fc.string(), raw: fc.constant(true) }) },
);

const queryValue = fc.oneof(
  fc.integer({ min: -3, max: 40 }).map(String),
  fc.constantFrom('', '1e3', '1e300', '0x10', 'NaN', 'Infinity', '-0', '99999999999999999999', ' 1', '1.5', 'true'),
  fc.string(),
);
const query = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(
      fc.tuple(fc.oneof(fc.constantFrom('from', 'limit', 'index', 'size', 'to', 'wait'), fc.string()), queryValue),
      { maxLength: 4 },
    ),
  },
  { weight: 1, arbitrary: fc.string() },
);

const route = fc.oneof(...ROUTES.map((r) => ({ weight: r.weight ?? 1, arbitrary: fc.constant(r) })));
const request = route.chain((route) =>
  fc.record({
    route: fc.constant(route),
    method: fc.oneof(
      { weight: 12, arbitrary: fc.constant(route.method) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
    ),
    params: fc.array(param, { minLength: 1, maxLength: 1 }),
    query,
    caller: fc.nat(),
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      fc.constantFrom(
        undefined,
        'text/plain',
        'application/json; charset=utf-8',
        'multipart/form-data',
        'application/timestamp-query',
      ),
    ),
    body: payload(route.body ? BODIES[route.body] : anyBody),
  }),
);
type RandomRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** Replaces the `$$...` placeholders of a random value with the world's own material. */
function resolve(value: unknown, world: World): unknown {
  if (typeof value === 'string' && value.startsWith('$$')) {
    const [what, n = '0'] = value.slice(2).split(':');
    const i = Number(n);
    const lines = world.policy.split('\n');
    const csr = world.csr;
    switch (what) {
      case 'sign-key':
        return world.signKeys[i % world.signKeys.length];
      case 'enrollment-token':
        return world.enrollmentTokens[i % world.enrollmentTokens.length];
      case 'csr':
        return csr;
      case 'csr-cut':
        return csr.slice(0, i % csr.length);
      case 'csr-flip': {
        const at = 40 + (i % (csr.length - 80));
        return csr.slice(0, at) + (csr[at] === 'A' ? 'B' : 'A') + csr.slice(at + 1);
      }
      case 'policy-revision':
        return world.policy.replace(/^revision: .*$/m, `revision: "fuzz-${i}"`);
      case 'policy-with-awkward': {
        const at = i % lines.length;
        return [...lines.slice(0, at), `# ${AWKWARD[i % AWKWARD.length]}`, ...lines.slice(at)].join('\n');
      }
      case 'policy-without-line':
        return lines.filter((_, j) => j !== i % lines.length).join('\n');
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, world));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, world)]));
  return value;
}

/** Percent-encoding that never throws: a lone surrogate goes as the bytes a client would send (U+FFFD). */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

async function toHttp(r: RandomRequest, world: World): Promise<{ url: string; init: RequestInit; caller: string }> {
  let path = r.route.path;
  for (const match of r.route.path.matchAll(/:(\w+)/g)) {
    const p = r.params[0]!;
    let value: string;
    if ('known' in p) {
      const ids = await world.known(paramKind(r.route.path, match[1]!));
      value = encode(ids.length ? ids[p.known % ids.length]! : 'none');
    } else value = p.raw ? p.text : encode(p.text);
    path = path.replace(match[0], value);
  }
  const q =
    typeof r.query === 'string'
      ? r.query
      : r.query
          .map(([k, v]) => [k, k === 'wait' && Number(v) > 1 ? '1' : v]) // a real job would long-poll that long
          .map(([k, v]) => `${encode(k!)}=${encode(v!)}`)
          .join('&');
  const [caller, authorization] = world.callers[r.caller % world.callers.length]!;
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (r.contentType) headers['content-type'] = r.contentType;
  const init: RequestInit = { method: r.method, headers };
  if (r.method !== 'GET' && !('none' in r.body))
    init.body = 'raw' in r.body ? r.body.raw : JSON.stringify(resolve(r.body.json, world));
  return { url: `${path}${q ? `?${q}` : ''}`, init, caller };
}

/** What a response may change: nothing when refused or read-only, except the engine's own records. */
function mayChange(method: string, path: string, status: number, code: string | undefined): Set<string> | 'anything' {
  if (status >= 400) {
    // A decision is an audit event by design; a pending request is recorded for its approvers,
    // and a denial closes it.
    if (code === 'APPROVAL_REQUIRED') return new Set(['audit_records', 'pending_requests']);
    if (code === 'POLICY_DENIED') return new Set(['audit_records', 'pending_requests', 'approvals']);
    return new Set();
  }
  if (method === 'GET') return new Set(path === '/v1/audit/checkpoint' ? ['audit_checkpoints'] : []);
  return 'anything';
}

/**
 * Sends one request and checks the properties: never a 5xx; errors are problem+json without a
 * stack trace or the caller's token; a refusal or a read leaves every table as it was.
 * @returns the outcome, e.g. `POST /v1/sign 409 APPROVAL_REQUIRED`, or undefined when `r` is no URL.
 */
async function check(world: World, r: RandomRequest): Promise<string | undefined> {
  const { url, init, caller } = await toHttp(r, world);
  try {
    new URL(url, 'http://localhost');
  } catch {
    return undefined; // not a URL a client could send
  }
  const before = await world.state();
  const res = await world.app.request(url, init);
  const body = await res.text();
  if (res.status === 202 && r.route.path === '/v1/jobs') world.jobIds.push((JSON.parse(body) as { id: string }).id);
  await world.settle();
  const what = `${init.method} ${url} as ${caller}: ${String(init.body).slice(0, 300)} -> ${res.status} ${body.slice(0, 300)}`;
  expect(res.status, what).toBeLessThan(500);
  let code: string | undefined;
  if (res.status >= 400) {
    expect(res.headers.get('content-type'), what).toContain('application/problem+json');
    const problem = JSON.parse(body) as { code: string; detail: string; status: number };
    code = problem.code;
    expect(problem.status, what).toBe(res.status);
    expect(problem.detail, what).not.toMatch(/\n\s+at /); // no stack trace
    const secret = /^Bearer (\S{12,})$/.exec(String((init.headers as Record<string, string>).authorization))?.[1];
    if (secret) expect(body, what).not.toContain(secret);
  } else if (res.headers.get('content-type')?.startsWith('application/json')) {
    expect(() => JSON.parse(body), what).not.toThrow();
  }
  const allowed = mayChange(init.method!, r.route.path, res.status, code);
  if (allowed !== 'anything') {
    const after = await world.state();
    for (const [part, fingerprint] of Object.entries(before)) {
      if (!allowed.has(part)) expect(after[part], `${part} changed: ${what}`).toBe(fingerprint);
    }
  }
  return `${init.method} ${r.route.path} ${res.status}${code ? ` ${code}` : ''}`;
}

async function exercise(world: World, numRuns: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const outcome = await check(world, r);
      if (outcome) seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
    }),
    { numRuns },
  );
  return seen;
}

/**
 * The awkward characters in every text a request carries (path ids, comments, policies, names,
 * metadata), each sent by someone allowed to get that far: too rare for the random run to hit
 * them all, and PostgreSQL refuses NUL in text where SQLite stores it.
 */
async function awkwardEverywhere(
  world: World,
  who: Record<'admin' | 'approver' | 'signer' | 'requester', string>,
): Promise<void> {
  const at = (method: string, path: string) => ROUTES.find((r) => r.method === method && r.path === path)!;
  const send = (route: Route, caller: string, body: Payload, params: Param[] = [{ known: 0 }]) =>
    check(world, {
      route,
      method: route.method,
      caller: world.callers.findIndex(([name]) => name === caller),
      params,
      query: [],
      contentType: 'application/json',
      body,
    });
  for (const [n, value] of AWKWARD.entries()) {
    for (const route of ROUTES.filter((r) => r.path.includes(':')))
      await send(route, who.admin, { none: true }, [{ text: value, raw: false }]);
    await send(at('POST', '/v1/approvals/:requestId'), who.approver, {
      json: { decision: 'approve', comment: value },
    });
    await send(at('PUT', '/v1/policy'), who.admin, { json: { text: `$$policy-with-awkward:${n}` } });
    const item = { digest: 'ab'.repeat(32), artifact: { name: value } };
    for (const caller of [who.signer, who.requester])
      await send(at('POST', '/v1/sign'), caller, {
        json: { key: '$$sign-key:0', items: [item], metadata: { reason: value } },
      });
    await send(at('POST', '/v1/tokens'), who.admin, { json: { name: value, roles: [value] } });
    await send(at('POST', '/v1/agents/enrollment-tokens'), who.admin, { json: { name: value } });
    await send(at('POST', '/v1/agents/enroll'), who.admin, { json: { token: value, csr: value } });
  }
}

/** How many distinct (route, status) outcomes a run reached: a weak fuzzer reaches few. */
function outcomes(seen: Map<string, number>): { routes: Set<string>; successes: number } {
  const routes = new Set([...seen.keys()].map((k) => k.split(' ').slice(0, 2).join(' ')));
  const successes = [...seen.entries()].filter(([k]) => /^\S+ \S+ 2/.test(k)).reduce((n, [, c]) => n + c, 0);
  return { routes, successes };
}

/** Each caller as often as its weight says: most requests come from someone the policy knows. */
function weighted(
  weights: Record<string, number>,
  entry: (name: string) => readonly [string, string | undefined],
): Array<readonly [string, string | undefined]> {
  return Object.entries(weights).flatMap(([name, n]) => Array.from({ length: n }, () => entry(name)));
}

/** Signers sign freely (within a quota), releasers after two approvers, nobody with the server's own keys. */
const FUZZ_POLICY = `version: 1
revision: "fuzz-1"
roles:
  - role: admin
  - role: signer
  - role: releaser
  - role: approver
rules:
  - name: signers
    allow: { roles: [admin, signer], keys: ["soft://signing"] }
    quotas: [{ per: principal, max: 100000, period: 1d }]
  - name: releases
    allow: { roles: [releaser], keys: ["soft://signing"] }
    approvals: { steps: [{ role: approver, count: 2 }] }
  - name: server-keys
    deny: { keys: ["soft://audit", "soft://agent-ca"] }
`;

const call = async (app: App, method: string, path: string, token: string | undefined, body?: unknown) => {
  const res = await app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { id: string; token: string },
  };
};
const randomDigest = () => hex(crypto.getRandomValues(new Uint8Array(32)));

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { csrPem } = makeCsr(dir, 'fuzz-agent');

describe('the API under random input', () => {
  describe('on in-memory services', () => {
    let world: World;
    let services: Services;

    beforeAll(async () => {
      services = { ...(await memoryServices()), rateLimit: 1_000_000 };
      const app = createApp(services);
      const jobIds: string[] = [];
      // A pending request with one approval, a finished job and one waiting for approval.
      expect(
        (
          await call(app, 'POST', '/v1/sign', 'token-alice', {
            key: 'soft://prod',
            items: [{ digest: randomDigest() }],
          })
        ).status,
      ).toBe(409);
      const [pending] = await services.engine.pending();
      expect(
        (await call(app, 'POST', `/v1/approvals/${pending!.id}`, 'token-bob', { decision: 'approve' })).status,
      ).toBe(200);
      for (const key of ['soft://dev', 'soft://prod'])
        jobIds.push(
          (await call(app, 'POST', '/v1/jobs', 'token-alice', { key, items: [{ digest: randomDigest() }] })).body.id,
        );
      world = {
        app,
        callers: weighted({ 'token-alice': 3, 'token-bob': 2, 'token-carol': 2, 'token-admin': 2, bogus: 1 }, (t) => [
          t,
          `Bearer ${t}`,
        ]).concat([['anonymous', undefined]]),
        known: async (kind) => {
          if (kind === 'key') return ['soft://dev', 'soft://prod', 'soft://audit'];
          if (kind === 'job') return jobIds;
          if (kind === 'request') return (await services.engine.pending()).map((p) => p.id);
          return [];
        },
        signKeys: ['soft://dev', 'soft://dev', 'soft://prod', 'soft://prod', 'soft://audit'],
        enrollmentTokens: ['sge_0_none'],
        csr: csrPem,
        policy: (await services.policies.current())!.text,
        jobIds,
        async state() {
          const jobs = await Promise.all(jobIds.map((id) => services.jobs.status(id)));
          return {
            audit_records: String(await services.audit.size()),
            policies: String((await services.policies.current())!.version),
            pending_requests: JSON.stringify((await services.engine.pending()).map((p) => [p.id, p.decision])),
            jobs: JSON.stringify(jobs.map((j) => [j.id, j.state])),
          };
        },
        async settle() {
          for (let i = 0; i < 200; i++) {
            const states = await Promise.all(jobIds.map(async (id) => (await services.jobs.status(id)).state));
            if (!states.some((s) => s === 'queued' || s === 'running')) return;
            await new Promise((done) => setTimeout(done, 5));
          }
        },
      };
      await world.settle();
    });

    it('fuzzes every route the app mounts', () => {
      const mounted = new Set(world.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
      const fuzzed = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
      // In-memory services have no tokens or agents: the admin routes are not mounted.
      expect([...mounted].filter((r) => !fuzzed.has(r))).toEqual([]);
    });

    it('takes awkward characters in every text without a 5xx or a change when refused', () =>
      awkwardEverywhere(world, {
        admin: 'token-admin',
        approver: 'token-bob',
        signer: 'token-alice',
        requester: 'token-alice',
      }));

    it('never answers 5xx, and a rejected request changes nothing', async () => {
      const { routes, successes } = outcomes(await exercise(world, RUNS));
      expect(successes).toBeGreaterThan(40);
      expect(ROUTES.filter((r) => !routes.has(`${r.method} ${r.path}`))).toEqual([]);
    });
  });

  describe.each(DIALECTS)('on the server’s services and %s', (dialect) => {
    let world: World;

    beforeAll(async () => {
      const { services, adminToken, inspect, snapshot } = await dbServices(dialect, {
        rateLimit: 1_000_000,
        bodyLimit: 64 * 1024,
      });
      const app = createApp(services);
      const policy = FUZZ_POLICY;
      expect((await call(app, 'PUT', '/v1/policy', adminToken, { text: policy })).status).toBe(200);
      const tokens: Record<string, { id: string; token: string }> = {};
      for (const [name, roles] of [
        ['signer', ['signer']],
        ['releaser', ['releaser']],
        ['approver-1', ['approver']],
        ['approver-2', ['approver']],
        ['nobody', []],
        ['revoked', ['signer']],
        ['victim-1', ['signer']],
        ['victim-2', []],
      ] as const) {
        const created = await call(app, 'POST', '/v1/tokens', adminToken, { name, roles });
        expect(created.status).toBe(201);
        tokens[name] = created.body;
      }
      expect((await call(app, 'DELETE', `/v1/tokens/${tokens.revoked!.id}`, adminToken)).status).toBe(204);
      const own = new Set(Object.entries(tokens).flatMap(([n, t]) => (n.startsWith('victim') ? [] : [t.id])));
      const enrollmentTokens: string[] = [];
      for (let i = 0; i < 4; i++)
        enrollmentTokens.push(
          (await call(app, 'POST', '/v1/agents/enrollment-tokens', adminToken, { name: `agent-${i}` })).body.token,
        );
      expect(
        (await call(app, 'POST', '/v1/agents/enroll', undefined, { token: enrollmentTokens[0], csr: csrPem })).status,
      ).toBe(201);

      // Signatures, an idempotency record, a pending request with one approval, and jobs in every state.
      const as = (who: string) => tokens[who]!.token;
      const sign = (extra: object = {}) => ({
        key: 'soft://signing',
        items: [{ digest: randomDigest() }],
        ...extra,
      });
      expect((await call(app, 'POST', '/v1/sign', as('signer'), sign({ idempotencyKey: 'fuzz-1' }))).status).toBe(200);
      expect((await call(app, 'POST', '/v1/sign', as('releaser'), sign())).status).toBe(409);
      const [pending] = await services.engine.pending();
      expect(
        (await call(app, 'POST', `/v1/approvals/${pending!.id}`, as('approver-1'), { decision: 'approve' })).status,
      ).toBe(200);
      const jobs = services.jobs as DbJobQueue;
      jobs.start();
      const done = (await call(app, 'POST', '/v1/jobs', as('signer'), sign())).body.id;
      const failed = (await call(app, 'POST', '/v1/jobs', as('nobody'), sign())).body.id;
      const waiting = (await call(app, 'POST', '/v1/jobs', as('releaser'), sign())).body.id;
      expect((await call(app, 'GET', `/v1/jobs/${done}/result?wait=20`, as('signer'))).status).toBe(200);
      expect((await call(app, 'GET', `/v1/jobs/${failed}/result?wait=20`, as('nobody'))).status).toBe(403);
      for (let i = 0; i < 100 && (await services.jobs.status(waiting)).state !== 'awaiting-approval'; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await jobs.stop();
      expect((await services.jobs.status(waiting)).state).toBe('awaiting-approval');
      await call(app, 'POST', '/v1/jobs', as('signer'), sign()); // stays queued: no worker runs
      const cancelled = (await call(app, 'POST', '/v1/jobs', as('signer'), sign())).body.id;
      expect((await call(app, 'POST', `/v1/jobs/${cancelled}/cancel`, as('signer'))).status).toBe(200);

      const ids = async (query: string) =>
        (await sql<{ id: string }>`${sql.raw(query)}`.execute(inspect.db)).rows.map((r) => r.id);
      world = {
        app,
        callers: [
          ...weighted({ admin: 3, signer: 4, releaser: 3, 'approver-1': 2, 'approver-2': 2 }, (n) => [
            n,
            `Bearer ${n === 'admin' ? adminToken : tokens[n]!.token}`,
          ]),
          ...['nobody', 'revoked', 'victim-1', 'victim-2'].map((n) => [n, `Bearer ${tokens[n]!.token}`] as const),
          ['unknown-token', 'Bearer sgt_0123456789abcdef_nope'],
          ['jwt', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
          ['basic', 'Basic YTpi'],
          ['empty-bearer', 'Bearer '],
          ['anonymous', undefined],
        ],
        known: async (kind) => {
          switch (kind) {
            case 'key':
              return ['soft://signing', 'soft://audit', 'soft://agent-ca'];
            case 'job':
              return ids('select id from jobs order by id');
            case 'request': // pending first: the awkward comments go to a request that waits
              return [
                ...(await ids('select id from pending_requests order by id')),
                ...(await ids('select request_id as id from jobs order by id')),
              ];
            case 'token':
              return (await ids('select id from auth_api_tokens order by id')).filter((id) => !own.has(id));
            case 'agent':
              return ids('select id from auth_agents order by id');
          }
        },
        signKeys: ['soft://signing', 'soft://signing', 'soft://signing', 'soft://audit'],
        enrollmentTokens,
        csr: csrPem,
        policy,
        jobIds: [],
        state: snapshot,
        settle: async () => undefined,
      };
    });

    it('fuzzes every route the app mounts', () => {
      const mounted = new Set(world.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
      expect([...mounted].sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    });

    it('takes awkward characters in every text without a 5xx or a change when refused', () =>
      awkwardEverywhere(world, { admin: 'admin', approver: 'approver-1', signer: 'signer', requester: 'releaser' }));

    it('never answers 5xx, and a rejected request or a read changes no row of any table', async () => {
      const { routes, successes } = outcomes(await exercise(world, RUNS));
      expect(successes).toBeGreaterThan(40);
      expect(ROUTES.filter((r) => !routes.has(`${r.method} ${r.path}`))).toEqual([]);
    });
  });
});
