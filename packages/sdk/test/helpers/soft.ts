import { createSoftKeyProvider, type SoftKeyProviderOptions } from '../../src/provider/soft/index.js';

/** Cheap scrypt for tests: the production cost (128 MiB, ~0.3 s) is exercised in its own test. */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

export function openTestStore(directory: string, options: Partial<SoftKeyProviderOptions> = {}) {
  return createSoftKeyProvider({
    directory,
    secret: { passphrase: 'correct horse' },
    scryptCost: TEST_SCRYPT,
    ...options,
  });
}
