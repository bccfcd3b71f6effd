import { afterAll, beforeAll } from 'vitest';
import { createGcpKmsProvider, type GcpKmsProvider, type GcpKmsProviderOptions } from '../src/index.js';
import { startFakeKms, type FakeKms } from './fake-kms.js';

export const LOCATION = 'projects/signet-test/locations/europe-west1';
export const RING = `${LOCATION}/keyRings/release`;

/** The URI of a key version, from its resource name. */
export const uriOf = (name: string) => `gcpkms://${name}`;

/** A provider on the fake, through the real client: static token, short backoffs. */
export function providerFor(fake: FakeKms, options: GcpKmsProviderOptions = {}): GcpKmsProvider {
  return createGcpKmsProvider({
    endpoint: fake.endpoint,
    accessToken: fake.token,
    keyRings: [RING],
    ...options,
    retry: { baseDelayMs: 1, maxDelayMs: 5, ...options.retry },
  });
}

/** A fake started before the file's tests and closed after them, set up by `seed`. */
export function useFakeKms(seed: (fake: FakeKms) => Promise<void>, options?: { maxPageSize?: number }): () => FakeKms {
  let fake: FakeKms | undefined;
  beforeAll(async () => {
    fake = await startFakeKms(options);
    await seed(fake);
  });
  afterAll(() => fake?.close());
  return () => fake!;
}

/** The requests the fake received after `from` whose path ends with `suffix`. */
export function requestsSince(fake: FakeKms, from: number, suffix: string) {
  return fake.requests.slice(from).filter((r) => r.path.endsWith(suffix));
}
