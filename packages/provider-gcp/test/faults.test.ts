import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { isSignetError, type SignetErrorCode } from '@signet/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { createGcpKmsProvider, type GcpKmsProvider, type KmsClient } from '../src/index.js';
import { parseEndpoint } from '../src/endpoint.js';
import type { FakeKms } from './fake-kms.js';
import { providerFor, requestsSince, RING, uriOf, useFakeKms } from './helpers.js';

const KEY = uriOf(`${RING}/cryptoKeys/app/cryptoKeyVersions/1`);
const DISABLED = uriOf(`${RING}/cryptoKeys/app/cryptoKeyVersions/2`);
const DENIED_RING = RING.replace(/release$/, 'secret');
const DENIED = uriOf(`${DENIED_RING}/cryptoKeys/app/cryptoKeyVersions/1`);

/**
 * A client on google-auth-library's own OAuth2Client, the kind Application Default Credentials
 * give in production: its HTTP errors arrive in another shape (GaxiosError) than our token's.
 */
async function clientWithGoogleAuth(fake: FakeKms): Promise<KmsClient> {
  const require = createRequire(import.meta.url);
  const gax = createRequire(require.resolve('@google-cloud/kms'))('google-gax') as {
    googleAuthLibrary: { OAuth2Client: new () => { setCredentials(c: object): void } };
  };
  const auth = new gax.googleAuthLibrary.OAuth2Client();
  auth.setCredentials({ access_token: fake.token, expiry_date: Date.now() + 3_600_000 });
  const { KeyManagementServiceClient } = await import('@google-cloud/kms');
  const { host, port, protocol } = parseEndpoint(fake.endpoint);
  return new KeyManagementServiceClient({
    fallback: true,
    apiEndpoint: host,
    port,
    protocol,
    authClient: auth as never,
  });
}

const TRANSPORTS: [string, (fake: FakeKms) => Promise<GcpKmsProvider>][] = [
  ['with a static access token', async (fake) => providerFor(fake)],
  [
    "with google-auth-library's auth client",
    async (fake) => providerFor(fake, { client: await clientWithGoogleAuth(fake), accessToken: undefined }),
  ],
];

describe.each(TRANSPORTS)('the Cloud KMS provider %s', (_, open) => {
  const fake = useFakeKms(async (f) => {
    await f.addKey(RING, 'app', { algorithm: 'EC_SIGN_P256_SHA256', states: ['ENABLED', 'DISABLED'] });
    await f.addKey(DENIED_RING, 'app', { algorithm: 'EC_SIGN_P256_SHA256' });
    f.deny(DENIED_RING);
  });
  let provider: GcpKmsProvider | undefined;
  const get = async () => (provider ??= await open(fake()));
  afterAll(() => provider?.close());
  const sign = async (key = KEY) =>
    (await get()).sign({ key, algorithm: 'ecdsa-p256-sha256', digest: randomBytes(32) });
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => undefined,
      (e: unknown) => e,
    );
  const signRequests = (from: number) => requestsSince(fake(), from, ':asymmetricSign').length;

  describe('maps refusals to their code and does not retry them', () => {
    it.each<[string, () => Promise<unknown>, SignetErrorCode, string]>([
      [
        'an unknown key version',
        () => sign(uriOf(`${RING}/cryptoKeys/app/cryptoKeyVersions/7`)),
        'KEY_NOT_FOUND',
        '/publicKey',
      ],
      ['a disabled key version', () => sign(DISABLED), 'KEY_NOT_FOUND', '/publicKey'],
      ['a key the caller may not use', () => sign(DENIED), 'PERMISSION_DENIED', '/publicKey'],
    ])('%s', async (_, call, code, path) => {
      const from = fake().requests.length;
      const error = await failure(call());
      expect(isSignetError(error, code), String(error)).toBe(true);
      expect(requestsSince(fake(), from, path)).toHaveLength(1);
    });

    it('a version disabled after its public key was read, refused at signing', async () => {
      const fresh = uriOf(`${RING}/cryptoKeys/later/cryptoKeyVersions/1`);
      await fake().addKey(RING, 'later', { algorithm: 'EC_SIGN_P256_SHA256' });
      await (await get()).getKey(fresh);
      fake().setState(fresh.slice('gcpkms://'.length), 'DISABLED');
      const from = fake().requests.length;
      const error = await failure(sign(fresh));
      expect(isSignetError(error, 'KEY_NOT_FOUND')).toBe(true);
      expect((error as { details: Record<string, unknown> }).details.status).toBe('FAILED_PRECONDITION');
      expect(signRequests(from)).toBe(1);
    });
  });

  describe('retries with backoff', () => {
    it.each<['json' | 'html' | 'reset']>([['json'], ['html'], ['reset']])(
      'through an outage (%s), then signs',
      async (kind) => {
        await (await get()).getKey(KEY);
        fake().outage(2, kind);
        const from = fake().requests.length;
        await sign();
        expect(signRequests(from)).toBe(3);
      },
    );

    it('through throttling, then signs', async () => {
      await (await get()).getKey(KEY);
      fake().throttle(3);
      const from = fake().requests.length;
      await sign();
      expect(signRequests(from)).toBe(4);
    });

    it.each<[string, (f: FakeKms) => void, SignetErrorCode]>([
      ['throttling', (f) => f.throttle(1000), 'THROTTLED'],
      ['an outage', (f) => f.outage(1000), 'UNAVAILABLE'],
    ])('and gives up on persistent %s after 5 attempts, retryable', async (_, start, code) => {
      await (await get()).getKey(KEY);
      start(fake());
      const from = fake().requests.length;
      try {
        const error = await failure(sign());
        expect(isSignetError(error, code)).toBe(true);
        expect((error as { retryable: boolean }).retryable).toBe(true);
        expect(signRequests(from)).toBe(5);
      } finally {
        fake().throttle(0);
        fake().outage(0);
      }
    });
  });
});

describe('the Cloud KMS provider with a wrong token', () => {
  const fake = useFakeKms(async (f) => void (await f.addKey(RING, 'app', { algorithm: 'EC_SIGN_P256_SHA256' })));
  it('fails UNAUTHENTICATED, once', async () => {
    const provider = createGcpKmsProvider({
      endpoint: fake().endpoint,
      accessToken: 'expired',
      retry: { baseDelayMs: 1 },
    });
    const from = fake().requests.length;
    const error = await provider.getKey(KEY).catch((e: unknown) => e);
    expect(isSignetError(error, 'UNAUTHENTICATED')).toBe(true);
    expect(fake().requests.length - from).toBe(1);
    await provider.close();
  });
});
