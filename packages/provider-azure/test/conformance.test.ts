import { providerConformance } from '@signet/sdk/testing';
import { afterAll, describe, it } from 'vitest';
import type { FakeKeyKind } from './fake-vault/key-store.js';
import { startFakeVault } from './fake-vault/fake-vault.js';
import { keyUri, openProvider } from './helpers/provider.js';

/** One key per type Key Vault holds and Signet signs with; some HSM-backed, as Premium vaults hold them. */
const KEYS: readonly { name: string; kind: FakeKeyKind; hsm: boolean }[] = [
  { name: 'release-ec-p256', kind: 'ec-p256', hsm: false },
  { name: 'release-ec-p384', kind: 'ec-p384', hsm: true },
  { name: 'release-ec-p521', kind: 'ec-p521', hsm: false },
  { name: 'release-rsa-2048', kind: 'rsa-2048', hsm: true },
  { name: 'release-rsa-3072', kind: 'rsa-3072', hsm: false },
];

// Key URIs name the vault's port, so the fake starts before the cases are named.
const vault = await startFakeVault();
afterAll(() => vault.close());

describe('the Azure Key Vault provider passes the provider conformance suite', () => {
  const cases = providerConformance({
    keys: KEYS.map((k) => keyUri(vault, k.name)),
    unknownKey: keyUri(vault, 'no-such-key'),
    async open() {
      for (const k of KEYS) await vault.createKey(k.name, k.kind, { hsm: k.hsm });
      return openProvider(vault).provider;
    },
    faults: { throttle: (times) => vault.throttle(times) },
  });
  for (const c of cases) it(c.name, c.run, 60_000);
});
