import type { KeySpec } from '@signet/sdk';
import { providerConformance } from '@signet/sdk/testing';
import { afterAll, describe, it } from 'vitest';
import { createPkcs11Provider, type Pkcs11Provider } from '../src/index.js';
import { createSoftHsm, MODULE, toolKeyPair } from './helpers/softhsm.js';

/** Made with pkcs11-tool, as an operator would. */
const TOOL_KEYS = [
  ['rsa-2048', 'rsa:2048', '01'],
  ['ec-p256', 'EC:prime256v1', '02'],
] as const;
/** Made through the provider's generateKey. */
const GENERATED: readonly KeySpec[] = ['rsa-3072', 'ec-p384', 'ec-p521'];

let provider: Pkcs11Provider | undefined;
afterAll(() => provider?.close());

describe('the PKCS#11 provider on SoftHSM2 passes the provider conformance suite', () => {
  const cases = providerConformance({
    keys: [
      ...TOOL_KEYS.map(([spec]) => `pkcs11:token=conformance;object=tool-${spec}`),
      ...GENERATED.map((spec) => `pkcs11:token=conformance;object=generated-${spec}`),
    ],
    unknownKey: 'pkcs11:token=conformance;object=no-such-key',
    async open() {
      const [token] = await createSoftHsm(['conformance']);
      for (const [spec, keyType, id] of TOOL_KEYS) await toolKeyPair(token!, keyType, id, `tool-${spec}`);
      provider = await createPkcs11Provider({ module: MODULE, token: 'conformance', pin: token!.pin, sessions: 4 });
      for (const spec of GENERATED) await provider.generateKey({ name: `generated-${spec}`, spec });
      return provider;
    },
  });
  for (const c of cases) it(c.name, c.run, 60_000);
});
