import type { KeyProvider } from './provider.js';

/**
 * What a provider package exports as `signetProvider`, so that a configuration file can name the
 * package and the server (or the CLI) load it: `providers: [{ use: '@signet/provider-pkcs11',
 * options: {...} }]`. The SDK itself imports no provider package.
 *
 * @example
 * ```ts
 * export const signetProvider: ProviderModule = {
 *   scheme: 'pkcs11',
 *   create: (options, env) => createPkcs11Provider(parsePkcs11Options(options, env)),
 * };
 * ```
 */
export interface ProviderModule {
  /** The URI scheme of the provider's keys, without `:`. */
  readonly scheme: string;
  /**
   * Creates the provider from plain options (a configuration file's section) and the environment,
   * where secrets come from (PINs, credentials): never from the file itself.
   *
   * @throws SignetError `INVALID_ARGUMENT` naming every option that is wrong.
   */
  create(options: unknown, env: Readonly<Record<string, string | undefined>>): Promise<KeyProvider>;
}
