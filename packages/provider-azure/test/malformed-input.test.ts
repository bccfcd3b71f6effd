import { isSignetError, listAlgorithms } from '@signet/sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureKeyVaultProvider } from '../src/index.js';
import { startFakeVault, type FakeVault } from './fake-vault/fake-vault.js';
import { keyUri, openProvider } from './helpers/provider.js';

let vault: FakeVault;
let provider: AzureKeyVaultProvider;
beforeAll(async () => {
  vault = await startFakeVault();
  await vault.createKey('ec', 'ec-p256');
  await vault.createKey('rsa', 'rsa-2048');
  provider = openProvider(vault).provider;
});
afterAll(() => vault.close());

/** Includes objects without a prototype: they cannot even be turned into a string for a message. */
const anything = fc.anything({ withNullPrototype: true, withBigInt: true });

/** What a bad request may be answered with: every one a refusal, none a crash or an outage. */
const REFUSALS = [
  'INVALID_KEY_URI',
  'UNSUPPORTED_ALGORITHM',
  'DIGEST_LENGTH_MISMATCH',
  'ALGORITHM_KEY_MISMATCH',
  'KEY_NOT_FOUND',
] as const;

describe('malformed requests to the Azure Key Vault provider', () => {
  it('get a typed refusal or a valid signature, never a crash', async () => {
    const uri = fc.oneof(
      fc.constantFrom(keyUri(vault, 'ec'), keyUri(vault, 'rsa'), keyUri(vault, 'missing')),
      fc.stringMatching(/^[0-9A-Za-z-]{1,20}$/).map((name) => keyUri(vault, name)),
      fc.string().map((s) => `azurekv://${vault.host}/keys/${s}`),
      fc.string(),
      anything,
    );
    const algorithm = fc.oneof(fc.constantFrom(...listAlgorithms().map((a) => a.id)), fc.string(), anything);
    const digest = fc.oneof(
      fc.constantFrom(32, 48, 64).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
      fc.uint8Array({ maxLength: 100 }),
      anything,
    );
    await fc.assert(
      fc.asyncProperty(uri, algorithm, digest, async (key, id, bytes) => {
        try {
          const signature = await provider.sign({
            key: key as string,
            algorithm: id as never,
            digest: bytes as Uint8Array,
          });
          expect(signature).toBeInstanceOf(Uint8Array);
        } catch (error) {
          if (!isSignetError(error, ...REFUSALS)) throw error;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('to getKey and listKeyVersions get a typed refusal too', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), anything, fc.constant(Object.create(null))), async (input) => {
        for (const call of [provider.getKey(input as string), provider.listKeyVersions(input as string)]) {
          const error = await call.then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error === undefined || isSignetError(error, 'INVALID_KEY_URI', 'KEY_NOT_FOUND')).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
