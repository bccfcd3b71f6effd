import type { ProviderModule } from '@signet/sdk';
import { parsePkcs11Options } from './options.js';
import { createPkcs11Provider } from './provider.js';

/**
 * What the server and the CLI load when a configuration names `@signet/provider-pkcs11`:
 * `providers: [{ use: '@signet/provider-pkcs11', options: { module, token, pinFile } }]`. The PIN
 * comes from `SIGNET_PKCS11_PIN`, the variable `pinEnv` names, or `pinFile`; never from the file.
 */
export const signetProvider: ProviderModule = {
  scheme: 'pkcs11',
  async create(options, env) {
    return createPkcs11Provider(await parsePkcs11Options(options, env));
  },
};
