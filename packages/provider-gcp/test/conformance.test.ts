import { providerConformance } from '@signet/sdk/testing';
import { afterAll, describe, it } from 'vitest';
import type { GcpKmsProvider } from '../src/index.js';
import type { AlgorithmName } from './fake-kms-wire.js';
import { providerFor, RING, uriOf, useFakeKms } from './helpers.js';

/** One key per key type and digest Cloud KMS signs with. */
const ALGORITHMS: readonly AlgorithmName[] = [
  'EC_SIGN_P256_SHA256',
  'EC_SIGN_P384_SHA384',
  'RSA_SIGN_PKCS1_2048_SHA256',
  'RSA_SIGN_PSS_3072_SHA256',
  'RSA_SIGN_PKCS1_4096_SHA512',
];

describe('the Cloud KMS provider passes the provider conformance suite', () => {
  const idOf = (algorithm: AlgorithmName) => algorithm.toLowerCase().replace(/_/g, '-');
  // The suite names its cases from the URIs, so they are known before the fake makes the keys.
  const keys = ALGORITHMS.map((a) => uriOf(`${RING}/cryptoKeys/${idOf(a)}/cryptoKeyVersions/1`));
  const fake = useFakeKms(async (f) => {
    for (const algorithm of ALGORITHMS) await f.addKey(RING, idOf(algorithm), { algorithm });
  });
  let provider: GcpKmsProvider | undefined;
  afterAll(() => provider?.close());

  const cases = providerConformance({
    keys,
    unknownKey: uriOf(`${RING}/cryptoKeys/no-such-key/cryptoKeyVersions/1`),
    async open() {
      provider = providerFor(fake());
      return provider;
    },
    faults: { throttle: (times) => fake().throttle(times) },
  });
  for (const c of cases) it(c.name, c.run, 60_000);
});
