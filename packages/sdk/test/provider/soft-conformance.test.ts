import { describe, it } from 'vitest';
import type { KeySpec } from '../../src/algorithms/algorithms.js';
import { providerConformance } from '../../src/testing/index.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';

const SPECS: readonly KeySpec[] = ['ec-p256', 'ec-p384', 'ec-p521', 'rsa-2048', 'rsa-3072'];

/** The software provider against the conformance suite every provider passes. */
describe('the software provider passes the provider conformance suite', () => {
  const cases = providerConformance({
    keys: SPECS.map((spec) => `soft://conformance-${spec}`),
    unknownKey: 'soft://no-such-key',
    async open() {
      const store = await openTestStore(await tempDir());
      for (const spec of SPECS) await store.generateKey({ name: `conformance-${spec}`, spec });
      return store;
    },
  });
  for (const c of cases) it(c.name, c.run, 60_000);
});
