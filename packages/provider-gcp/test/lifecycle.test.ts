import { randomBytes } from 'node:crypto';
import { isSignetError } from '@signet/sdk';
import { describe, expect, it } from 'vitest';
import { createGcpKmsProvider, type KmsClient } from '../src/index.js';
import { providerFor, RING, uriOf, useFakeKms } from './helpers.js';

const KEY = uriOf(`${RING}/cryptoKeys/app/cryptoKeyVersions/1`);
const failure = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('the Cloud KMS provider', () => {
  const fake = useFakeKms(async (f) => void (await f.addKey(RING, 'app', { algorithm: 'EC_SIGN_P256_SHA256' })));

  it('fails UNAUTHENTICATED when credentials cannot be found, and tries again on the next call', async () => {
    let starts = 0;
    let closes = 0;
    const client: KmsClient = {
      initialize: async () => {
        starts++;
        throw new Error('Could not load the default credentials.');
      },
      innerApiCalls: {},
      close: async () => void closes++,
    };
    const provider = createGcpKmsProvider({ client });
    expect(isSignetError(await failure(provider.getKey(KEY)), 'UNAUTHENTICATED')).toBe(true);
    await failure(provider.getKey(KEY));
    expect(starts).toBe(2);
    await provider.close();
    expect(closes).toBe(0); // the caller's client stays open
  });

  it('refuses every call after close with PROVIDER_CLOSED', async () => {
    const provider = providerFor(fake());
    await provider.getKey(KEY);
    await provider.close();
    await provider.close();
    for (const call of [
      provider.listKeys(),
      provider.getKey(KEY),
      provider.sign({ key: KEY, algorithm: 'ecdsa-p256-sha256', digest: randomBytes(32) }),
    ]) {
      expect(isSignetError(await failure(call), 'PROVIDER_CLOSED')).toBe(true);
    }
  });
});
