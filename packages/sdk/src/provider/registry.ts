import { SignetError } from '../errors/errors.js';
import { keyUriScheme } from './key-uri.js';
import type { CallOptions, KeyInfo, KeyProvider } from './provider.js';

/** Creates a provider on first use. May be async (opening a session, reading a key store). */
export type KeyProviderFactory = () => KeyProvider | Promise<KeyProvider>;

/**
 * Maps key URI schemes to providers. Providers are created lazily on the first call that needs
 * them, once (a failed creation is retried on the next call), and closed once by {@link close}.
 *
 * @example
 * ```ts
 * const registry = createProviderRegistry();
 * registry.register('soft', () => createSoftKeyProvider({ directory, secret }));
 * const signer = await createSigner(registry, 'soft://release');
 * ```
 */
export interface ProviderRegistry {
  register(scheme: string, factory: KeyProviderFactory): void;
  /** Schemes with a registered factory, in registration order. */
  schemes(): string[];
  /** @throws SignetError `UNKNOWN_SCHEME`, `INVALID_KEY_URI`, `PROVIDER_CLOSED` */
  providerFor(uri: string): Promise<KeyProvider>;
  /** Keys of every registered provider, in registration order. */
  listKeys(options?: CallOptions): Promise<KeyInfo[]>;
  close(): Promise<void>;
}

export function createProviderRegistry(): ProviderRegistry {
  const factories = new Map<string, KeyProviderFactory>();
  const instances = new Map<string, Promise<KeyProvider>>();
  let closed = false;

  function open(scheme: string): Promise<KeyProvider> {
    if (closed) throw new SignetError('PROVIDER_CLOSED', 'The provider registry is closed');
    const factory = factories.get(scheme);
    if (!factory) {
      throw new SignetError('UNKNOWN_SCHEME', `No key provider is configured for "${scheme}:" keys`, {
        details: { scheme, configured: [...factories.keys()] },
      });
    }
    let instance = instances.get(scheme);
    if (!instance) {
      instance = Promise.resolve().then(factory);
      instance.catch(() => instances.delete(scheme));
      instances.set(scheme, instance);
    }
    return instance;
  }

  return {
    register(scheme, factory) {
      if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
        throw new SignetError('INVALID_ARGUMENT', `"${scheme}" is not a valid URI scheme`);
      }
      if (factories.has(scheme)) {
        throw new SignetError('INVALID_ARGUMENT', `A provider for "${scheme}:" is already registered`);
      }
      factories.set(scheme, factory);
    },
    schemes: () => [...factories.keys()],
    async providerFor(uri) {
      return open(keyUriScheme(uri));
    },
    async listKeys(options) {
      const lists = await Promise.all([...factories.keys()].map(async (s) => (await open(s)).listKeys(options)));
      return lists.flat();
    },
    async close() {
      if (closed) return;
      closed = true;
      const opened = await Promise.allSettled(instances.values());
      instances.clear();
      await Promise.all(opened.map((r) => (r.status === 'fulfilled' ? r.value.close?.() : undefined)));
    },
  };
}
