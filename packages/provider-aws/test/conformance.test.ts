import { providerConformance } from '@signet/sdk/testing';
import { afterAll, describe, it } from 'vitest';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import { openProvider } from './helpers.js';

// P-256 first: the suite's concurrency and retry cases use the first key.
const SPECS = ['ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'RSA_2048', 'RSA_3072'];
const idOf = (i: number) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
const ARN = 'arn:aws:kms:us-east-1:111122223333:key/';

/** The AWS KMS provider, through the real KMS client and a loopback KMS, against the suite every provider passes. */
describe('the AWS KMS provider passes the provider conformance suite', () => {
  let fake: FakeKms | undefined;
  afterAll(() => fake?.close());

  const cases = providerConformance({
    keys: SPECS.map((_, i) => `awskms:///${ARN}${idOf(i)}`),
    unknownKey: `awskms:///${ARN}00000000-0000-4000-8000-999999999999`,
    async open() {
      fake = await startFakeKms({ region: 'us-east-1', account: '111122223333' });
      for (const [i, spec] of SPECS.entries()) await fake.addKey({ spec, id: idOf(i) });
      return openProvider(fake);
    },
    faults: { throttle: (n) => fake!.faults.throttle(n) },
  });
  for (const c of cases) it(c.name, c.run, 60_000);
});
