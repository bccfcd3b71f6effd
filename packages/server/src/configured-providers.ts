import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import {
  isSignetError,
  loadProviderModules,
  SignetError,
  withCertificateStore,
  type ProviderEntry,
  type ProviderRegistry,
} from '@signet/sdk';
import type { Env } from './config/load.js';
import type { Database } from './store/database.js';
import { createDbCertificateStore } from './store/keys/index.js';

/**
 * Registers the providers the configuration names (PKCS#11, cloud KMSs), each with certificate
 * chains kept in the database when its backend cannot keep them. Packages are found beside the
 * configuration file, in the working directory, or beside the server. Each is opened now, so a
 * wrong option or PIN stops the start with its own message; a backend that is only unreachable
 * is logged and opened again on first use.
 */
export async function registerConfiguredProviders(
  registry: ProviderRegistry,
  entries: readonly ProviderEntry[],
  context: { env: Env; database: Database; logger: Logger },
): Promise<void> {
  const { env, logger } = context;
  const from = [
    env.SIGNET_CONFIG ? dirname(resolve(env.SIGNET_CONFIG)) : process.cwd(),
    process.cwd(),
    dirname(fileURLToPath(import.meta.url)),
  ];
  const loaded = await loadProviderModules(entries, { env, from });
  const certificates = createDbCertificateStore(context.database);
  for (const provider of loaded) {
    if (registry.schemes().includes(provider.scheme)) {
      throw new SignetError(
        'INVALID_ARGUMENT',
        `"${provider.use}" serves ${provider.scheme}: keys, which are built in`,
      );
    }
    registry.register(provider.scheme, async () => withCertificateStore(await provider.create(), certificates));
  }
  for (const provider of loaded) {
    try {
      await registry.providerFor(`${provider.scheme}:`);
      logger.info({ provider: provider.use, scheme: provider.scheme }, 'key provider ready');
    } catch (error) {
      if (!isSignetError(error) || !error.retryable) throw error;
      logger.warn({ provider: provider.use, err: error }, 'key provider unavailable; retried on first use');
    }
  }
}
