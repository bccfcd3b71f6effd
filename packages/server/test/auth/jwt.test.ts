import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { isSignetError, SignetError } from '@signet/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createJwtAuthenticator,
  customFetch,
  GITHUB_ACTIONS_ISSUER,
  type JwtAuthenticator,
} from '../../src/auth/index.js';
import { startTestIssuer, type TestIssuer } from './oidc-issuer.js';

const AUDIENCE = 'signet';

async function reasonOf(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSignetError(error, 'UNAUTHENTICATED')).toBe(true);
  return (error as SignetError).details.reason;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the JWT authenticator', () => {
  let idp: TestIssuer;
  let github: TestIssuer;
  let jwt: JwtAuthenticator;

  beforeAll(async () => {
    idp = await startTestIssuer();
    github = await startTestIssuer({ issuer: GITHUB_ACTIONS_ISSUER });
    jwt = createJwtAuthenticator({
      issuers: [
        { issuer: idp.issuer, audience: AUDIENCE, subjectClaim: 'email', groupsClaim: 'groups' },
        { issuer: GITHUB_ACTIONS_ISSUER, audience: [AUDIENCE, 'other'] },
      ],
      // GitHub's real issuer URL is served by the loopback issuer; everything else goes out as is.
      [customFetch]: (input, init) => fetch(String(input).replace(GITHUB_ACTIONS_ISSUER, github.url), init),
    });
  });
  afterAll(async () => {
    await idp.close();
    await github.close();
  });

  describe('accepts', () => {
    it("a person's token, found through OIDC discovery, as a user principal", async () => {
      const token = await idp.issue({ sub: '42', email: 'alice@example.com', groups: ['release'], aud: AUDIENCE });
      await expect(jwt.authenticate(token)).resolves.toEqual({
        subject: 'alice@example.com',
        kind: 'user',
        issuer: idp.issuer,
        authMethod: 'jwt',
        groups: ['release'],
      });
    });

    it('an ES256 token, and fetches discovery once', async () => {
      const token = await idp.issue({ email: 'bob@example.com', aud: AUDIENCE }, { alg: 'ES256' });
      await expect(jwt.authenticate(token)).resolves.toMatchObject({ subject: 'bob@example.com' });
      expect(idp.hits.get('/.well-known/openid-configuration')).toBe(1);
    });

    it('a GitHub Actions token as a CI workload with its claims', async () => {
      const token = await github.issue({
        sub: 'repo:acme/app:ref:refs/tags/v1',
        aud: AUDIENCE,
        repository: 'acme/app',
        ref: 'refs/tags/v1',
        sha: 'a'.repeat(40),
        workflow_ref: 'acme/app/.github/workflows/caller.yml@refs/tags/v1',
        job_workflow_ref: 'acme/shared/.github/workflows/release.yml@refs/heads/main',
        environment: 'production',
        event_name: 'push',
        runner_environment: 'github-hosted',
      });
      const principal = await jwt.authenticate(token);
      expect(principal).toMatchObject({ kind: 'ci', subject: 'repo:acme/app:ref:refs/tags/v1', authMethod: 'jwt' });
      expect(principal.ci).toEqual({
        issuer: GITHUB_ACTIONS_ISSUER,
        repository: 'acme/app',
        ref: 'refs/tags/v1',
        workflow: '.github/workflows/release.yml',
        sha: 'a'.repeat(40),
        environment: 'production',
        event: 'push',
        runnerEnvironment: 'github-hosted',
      });
    });
  });

  describe('refuses', () => {
    const claims = () => ({ email: 'alice@example.com', aud: AUDIENCE });

    it('an unsigned token (alg none)', async () => {
      const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: idp.issuer, ...claims() })}.`;
      expect(await reasonOf(jwt.authenticate(token))).toBe('alg-not-allowed');
    });

    it('HS256 keyed with the RSA public key (key confusion)', async () => {
      const secret = new TextEncoder().encode(idp.rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string);
      const token = await idp.issue(claims(), { alg: 'HS256', key: secret });
      expect(await reasonOf(jwt.authenticate(token))).toBe('alg-not-allowed');
    });

    it('an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await idp.issue({ ...claims(), iat: now - 7200, exp: now - 3600 });
      expect(await reasonOf(jwt.authenticate(token))).toBe('expired');
    });

    it('a token not valid before a time beyond the tolerance', async () => {
      const token = await idp.issue({ ...claims(), nbf: Math.floor(Date.now() / 1000) + 600 });
      expect(await reasonOf(jwt.authenticate(token))).toBe('not-yet-valid');
    });

    it('a token for another audience', async () => {
      const token = await idp.issue({ ...claims(), aud: 'someone-else' });
      expect(await reasonOf(jwt.authenticate(token))).toBe('audience');
    });

    it('a token from an unknown issuer, without any network call', async () => {
      const calls: string[] = [];
      const strict = createJwtAuthenticator({
        issuers: [{ issuer: idp.issuer, audience: AUDIENCE }],
        [customFetch]: async (input) => {
          calls.push(String(input));
          throw new Error('no network expected');
        },
      });
      const token = await idp.issue({ ...claims(), iss: 'https://evil.example' });
      expect(await reasonOf(strict.authenticate(token))).toBe('issuer');
      expect(calls).toEqual([]);
    });

    it('a token signed with a key the issuer does not publish', async () => {
      const rogue = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const token = await idp.issue(claims(), { kid: 'rogue', key: rogue.privateKey });
      expect(await reasonOf(jwt.authenticate(token))).toBe('unknown-kid');
    });

    it('a tampered payload with the original signature', async () => {
      const [header, , signature] = (await idp.issue(claims())).split('.');
      const forged = b64({ iss: idp.issuer, ...claims(), email: 'mallory@example.com', exp: 4_000_000_000 });
      expect(await reasonOf(jwt.authenticate(`${header}.${forged}.${signature}`))).toBe('signature');
    });

    it('a token without the subject claim', async () => {
      const token = await idp.issue({ aud: AUDIENCE });
      expect(await reasonOf(jwt.authenticate(token))).toBe('claims');
    });

    it('garbage', async () => {
      expect(await reasonOf(jwt.authenticate('not.a.jwt'))).toBe('malformed');
      expect(await reasonOf(jwt.authenticate(''))).toBe('malformed');
    });

    it('any random string with UNAUTHENTICATED and nothing else', async () => {
      const segment = fc.string({ unit: fc.constantFrom(...'ABCxyz019-_'.split('')), maxLength: 40 });
      const jwtish = fc.tuple(segment, segment, segment).map((parts) => parts.join('.'));
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), jwtish), async (token) => {
          const error = await jwt.authenticate(token).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(isSignetError(error, 'UNAUTHENTICATED')).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('at construction', () => {
    it('refuses an issuer that allows none or HMAC', () => {
      for (const alg of ['none', 'HS256']) {
        expect(() => createJwtAuthenticator({ issuers: [{ issuer: 'x', audience: 'a', algorithms: [alg] }] })).toThrow(
          SignetError,
        );
      }
    });
  });
});
