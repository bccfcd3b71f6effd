import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignetError, throwIfAborted } from '../errors/errors.js';
import { assertCertificateHoldsKey } from '../x509/certificate.js';
import type { KeyInfo, KeyProvider } from './provider.js';
import { writeJsonAtomic } from './soft/key-store.js';

/** Certificate chains kept beside keys whose backend cannot hold them (most cloud KMSs). */
export interface CertificateStore {
  /** The chain attached to `uri`, the key's own certificate first; undefined when none is. */
  get(uri: string): Promise<readonly Uint8Array[] | undefined>;
  put(uri: string, certificates: readonly Uint8Array[]): Promise<void>;
}

/**
 * `provider` with certificates for every key: a key whose backend holds none gets the chain kept
 * in `store`, and `setCertificates` writes there when the backend cannot (AWS KMS, Cloud KMS, Key
 * Vault keys). A chain is accepted only when its first certificate holds the key's public key.
 * Backends that store certificates themselves (PKCS#11 tokens, the software store) keep doing so.
 *
 * @example
 * ```ts
 * registry.register('awskms', async () => withCertificateStore(await createAwsKmsProvider(options), store));
 * ```
 */
export function withCertificateStore(provider: KeyProvider, store: CertificateStore): KeyProvider {
  const native = provider.capabilities.storeCertificates && provider.setCertificates?.bind(provider);
  async function withChain(key: KeyInfo): Promise<KeyInfo> {
    if (key.certificates.length > 0) return key;
    const stored = await store.get(key.uri);
    return stored?.length ? { ...key, certificates: stored } : key;
  }
  // Delegated by name, not spread: a provider may be a class whose methods live on its prototype.
  return {
    scheme: provider.scheme,
    capabilities: { ...provider.capabilities, storeCertificates: true },
    listKeys: async (options) => Promise.all((await provider.listKeys(options)).map(withChain)),
    getKey: async (uri, options) => withChain(await provider.getKey(uri, options)),
    sign: (params) => provider.sign(params),
    ...(provider.signMessage ? { signMessage: provider.signMessage.bind(provider) } : {}),
    ...(provider.generateKey ? { generateKey: provider.generateKey.bind(provider) } : {}),
    ...(provider.close ? { close: provider.close.bind(provider) } : {}),
    async setCertificates(params) {
      if (native) return native(params);
      throwIfAborted(params.signal);
      const key = await provider.getKey(params.key, params);
      assertCertificateHoldsKey(params.certificates, key.publicKey);
      await store.put(key.uri, params.certificates);
      return { ...key, certificates: [...params.certificates] };
    },
  };
}

/**
 * Chains as one small JSON file per key in `directory`, written atomically; the file name is the
 * SHA-256 of the key URI, so any URI (ARNs, resource names) is a safe name.
 */
export function createFileCertificateStore(directory: string): CertificateStore {
  const file = (uri: string) => join(directory, `${createHash('sha256').update(uri).digest('hex')}.json`);
  return {
    async get(uri) {
      let text: string;
      try {
        text = await readFile(file(uri), 'utf8');
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new SignetError('IO_ERROR', `${file(uri)}: the certificate chain cannot be read`, { cause });
      }
      const record = JSON.parse(text) as { uri: string; certificates: string[] };
      if (record.uri !== uri) throw new SignetError('KEYSTORE_CORRUPT', `${file(uri)} holds the chain of another key`);
      return record.certificates.map((c) => new Uint8Array(Buffer.from(c, 'base64')));
    },
    async put(uri, certificates) {
      const record = { uri, certificates: certificates.map((c) => Buffer.from(c).toString('base64')) };
      await writeJsonAtomic(file(uri), record);
    },
  };
}
