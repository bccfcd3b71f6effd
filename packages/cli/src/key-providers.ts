import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createFileCertificateStore,
  isSignetError,
  loadProviderModules,
  SignetError,
  withCertificateStore,
  type ProviderRegistry,
} from '@signet/sdk';
import type { CliConfig } from './config/config.js';

/** Where the provider of one URI scheme comes from, for `keys list` and its errors. */
export interface ProviderSource {
  readonly scheme: string;
  /** The package or module file the configuration names; `@signet/sdk/soft` for the built-in store. */
  readonly use: string;
}

/** The software key store's entry in {@link ProviderSource} lists. */
export const SOFT_SOURCE: ProviderSource = { scheme: 'soft', use: '@signet/sdk/soft' };

/**
 * Registers the providers a configuration names (PKCS#11, cloud KMSs) in `registry`. Each module
 * is imported now, but its provider is created only when a command first needs its scheme, so
 * `signet digest` never opens an HSM. A backend that cannot keep certificate chains gets them in
 * `$SIGNET_HOME/certificates`. Packages are found beside the configuration file, in the working
 * directory, then beside the CLI itself.
 *
 * @throws SignetError `INVALID_ARGUMENT` (exit 2) for a package that cannot be loaded or is no
 * provider, two providers of one scheme, or one that claims a built-in scheme; the message starts
 * with the configuration file's path.
 */
export async function registerConfiguredProviders(
  registry: ProviderRegistry,
  config: CliConfig,
  context: { env: Readonly<Record<string, string | undefined>>; cwd: string; home: string },
): Promise<ProviderSource[]> {
  if (config.file === undefined || config.providers.length === 0) return [];
  const from = [dirname(config.file), context.cwd, dirname(fileURLToPath(import.meta.url))];
  const loaded = await loadProviderModules(config.providers, { env: context.env, from }).catch((error: unknown) => {
    throw isSignetError(error) ? inFile(config.file!, error) : error;
  });
  const certificates = createFileCertificateStore(join(context.home, 'certificates'));
  for (const [index, provider] of loaded.entries()) {
    if (registry.schemes().includes(provider.scheme)) {
      throw new SignetError(
        'INVALID_ARGUMENT',
        `${config.file}: "${provider.use}" serves ${provider.scheme}: keys, which are built in`,
      );
    }
    registry.register(provider.scheme, async () => {
      const created = await provider.create().catch((error: unknown) => {
        // Wrong options are the file's: say where. An unreachable backend is not.
        throw isSignetError(error, 'INVALID_ARGUMENT') ? inFile(`${config.file}: providers[${index}]`, error) : error;
      });
      return withCertificateStore(created, certificates);
    });
  }
  return loaded.map(({ scheme, use }) => ({ scheme, use }));
}

function inFile(where: string, error: SignetError): SignetError {
  return new SignetError(error.code, `${where}: ${error.message}`, { cause: error, details: error.details });
}
