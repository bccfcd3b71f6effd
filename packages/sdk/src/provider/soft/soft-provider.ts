import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import {
  assertAlgorithmFitsKey,
  assertDigestLength,
  CURVES,
  curveOf,
  getAlgorithm,
  isKeySpec,
  type KeySpec,
} from '../../algorithms/algorithms.js';
import { SignetError, throwIfAborted } from '../../errors/errors.js';
import { assertCertificateHoldsKey } from '../../x509/certificate.js';
import type { CallOptions, KeyInfo, KeyProvider, SetCertificatesParams, SignDigestParams } from '../provider.js';
import { keyAad, keyExists, specOfKeyObject, toInfo } from './key-record.js';
import {
  corrupt,
  KEY_NAME,
  keyPath,
  listKeyNames,
  parseKeyRecord,
  readJson,
  writeJsonAtomic,
  type KeyRecord,
} from './key-store.js';
import { createPrehashKey, loadNative, type PrehashBackend, type PrehashKey } from './prehash-key.js';
import { open, seal, type KeyStoreSecret, type ScryptCost } from './sealing.js';
import { unlock } from './unlock.js';

interface LoadedKey {
  readonly spec: KeySpec;
  readonly key: PrehashKey;
}

export interface SoftKeyProviderOptions {
  /** Folder of the key store. Created (mode 0700) when missing and `create` is true. */
  directory: string;
  /** The passphrase or 32-byte master key that encrypts the keys at rest. */
  secret: KeyStoreSecret;
  /** Create an empty key store when `directory` has none. Default `true`. */
  create?: boolean;
  /**
   * scrypt cost for a new passphrase-protected store. Default `{ N: 2 ** 17, r: 8, p: 1 }`
   * (128 MiB, ~0.3 s). Existing stores keep the cost they were created with.
   */
  scryptCost?: ScryptCost;
  /**
   * How digests are signed: `auto` (default) uses the optional `@signet/native-signer` addon when it
   * loads and the portable route otherwise; `native` requires the addon; `portable` never uses it.
   */
  backend?: PrehashBackend;
}

export interface ImportKeyParams extends CallOptions {
  name: string;
  /** The private key as PKCS#8, DER bytes or PEM text. Only the encrypted form is kept. */
  pkcs8: Uint8Array | string;
}

/** The software provider: a {@link KeyProvider} with key import on top. */
export interface SoftKeyProvider extends KeyProvider {
  generateKey(params: { name: string; spec: KeySpec } & CallOptions): Promise<KeyInfo>;
  setCertificates(params: SetCertificatesParams): Promise<KeyInfo>;
  /** Imports a PKCS#8 private key. @throws SignetError `KEY_EXISTS`, `INVALID_ARGUMENT` */
  importKey(params: ImportKeyParams): Promise<KeyInfo>;
  /** Which signing route is in use: `native` (OpenSSL addon) or `portable`. */
  readonly route: 'native' | 'portable';
  close(): Promise<void>;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * Opens (or creates) a software key store: keys named `soft://NAME`, PKCS#8 sealed with
 * AES-256-GCM under a key derived from a passphrase (scrypt) or a master key (HKDF). Private keys
 * are decrypted in memory only to sign and are never returned by any call.
 *
 * @throws SignetError `BAD_PASSPHRASE` when the secret does not open the store,
 * `KEYSTORE_CORRUPT` when its header is damaged, `IO_ERROR`.
 * @example
 * ```ts
 * const soft = await createSoftKeyProvider({ directory: '.signet/keys', secret: { passphrase } });
 * await soft.generateKey({ name: 'release', spec: 'ec-p256' });
 * ```
 */
export async function createSoftKeyProvider(options: SoftKeyProviderOptions): Promise<SoftKeyProvider> {
  const { directory } = options;
  const kek = await unlock(options);
  const backend = options.backend ?? 'auto';
  const route = backend !== 'portable' && (await loadNative()) ? 'native' : 'portable';
  if (backend === 'native' && route !== 'native') {
    throw new SignetError('UNAVAILABLE', 'The native signer (@signet/native-signer) is not installed or did not build');
  }
  /** Decrypted keys, ready to sign, by name. Loaded on first use. */
  const loaded = new Map<string, Promise<LoadedKey>>();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new SignetError('PROVIDER_CLOSED', 'The software key provider is closed');
  }

  function nameOf(uri: string): string {
    const match = /^soft:\/\/([^/?#]+)$/.exec(uri);
    if (!match || !KEY_NAME.test(match[1]!)) {
      throw new SignetError('INVALID_KEY_URI', `"${uri}" is not a software key URI (expected soft://NAME)`, {
        details: { uri },
      });
    }
    return match[1]!;
  }

  async function readRecord(name: string): Promise<KeyRecord> {
    const path = keyPath(directory, name);
    const value = await readJson(path);
    if (value === undefined) {
      throw new SignetError('KEY_NOT_FOUND', `No key soft://${name} in ${directory}`, {
        details: { key: `soft://${name}` },
      });
    }
    const record = parseKeyRecord(path, value);
    if (record.name !== name) throw corrupt(path, `names key "${record.name}"`);
    return record;
  }

  async function unsealKey(name: string): Promise<LoadedKey> {
    const record = await readRecord(name);
    const path = keyPath(directory, record.name);
    const pkcs8 = open(kek, record.sealed, keyAad(record));
    if (!pkcs8) throw corrupt(path, 'does not decrypt: it was modified or belongs to another store');
    try {
      const publicKey = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
      if (!publicKey.export({ format: 'der', type: 'spki' }).equals(Buffer.from(record.publicKey, 'base64'))) {
        throw corrupt(path, 'holds a private key that does not match its public key');
      }
      return { spec: record.spec, key: (await createPrehashKey(pkcs8, route))! };
    } finally {
      pkcs8.fill(0);
    }
  }

  function load(name: string): Promise<LoadedKey> {
    let entry = loaded.get(name);
    if (!entry) {
      entry = unsealKey(name);
      entry.catch(() => loaded.delete(name));
      loaded.set(name, entry);
    }
    return entry;
  }

  async function store(name: string, privateKey: KeyObject, spec: KeySpec, signal?: AbortSignal): Promise<KeyInfo> {
    throwIfAborted(signal);
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
    const partial = {
      format: 'signet-key',
      version: 1,
      name,
      spec,
      createdAt: new Date().toISOString(),
      publicKey,
      certificates: [],
    } as const;
    const record: KeyRecord = { ...partial, sealed: seal(kek, pkcs8, keyAad(partial)) };
    pkcs8.fill(0);
    if (!(await writeJsonAtomic(keyPath(directory, name), record, true))) throw keyExists(name);
    return toInfo(record);
  }

  function checkNewName(name: string): void {
    if (typeof name !== 'string' || !KEY_NAME.test(name)) {
      throw new SignetError(
        'INVALID_ARGUMENT',
        `Key name "${String(name)}" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      );
    }
  }

  return {
    scheme: 'soft',
    route,
    capabilities: { generateKeys: true, signMessage: false, storeCertificates: true },

    async listKeys(options = {}) {
      assertOpen();
      throwIfAborted(options.signal);
      const names = await listKeyNames(directory);
      return Promise.all(names.map(async (n) => toInfo(await readRecord(n))));
    },

    async getKey(uri, options = {}) {
      assertOpen();
      throwIfAborted(options.signal);
      return toInfo(await readRecord(nameOf(uri)));
    },

    async sign({ key: uri, algorithm: algorithmId, digest, signal }: SignDigestParams) {
      assertOpen();
      const algorithm = getAlgorithm(algorithmId);
      assertDigestLength(algorithm, digest);
      const name = nameOf(uri);
      throwIfAborted(signal);
      const { spec, key } = await load(name);
      assertAlgorithmFitsKey(algorithm, spec);
      throwIfAborted(signal);
      try {
        return await key.sign(algorithm, digest);
      } catch (cause) {
        throw new SignetError('INTERNAL', `Signing with soft://${name} failed`, { cause });
      }
    },

    async generateKey({ name, spec, signal }) {
      assertOpen();
      checkNewName(name);
      if (!isKeySpec(spec)) {
        throw new SignetError('UNSUPPORTED_ALGORITHM', `Unknown key spec "${String(spec)}"`);
      }
      if ((await readJson(keyPath(directory, name))) !== undefined) throw keyExists(name);
      const curve = curveOf(spec);
      const { privateKey } = curve
        ? await generateKeyPairAsync('ec', { namedCurve: CURVES[curve].nodeName })
        : await generateKeyPairAsync('rsa', { modulusLength: Number(spec.slice(4)), publicExponent: 0x10001 });
      return store(name, privateKey, spec, signal);
    },

    async importKey({ name, pkcs8, signal }) {
      assertOpen();
      checkNewName(name);
      let privateKey: KeyObject;
      try {
        privateKey =
          typeof pkcs8 === 'string'
            ? createPrivateKey({ key: pkcs8, format: 'pem' })
            : createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
      } catch (cause) {
        throw new SignetError('INVALID_ARGUMENT', 'The key to import is not an unencrypted PKCS#8 private key', {
          cause,
        });
      }
      return store(name, privateKey, specOfKeyObject(privateKey), signal);
    },

    async setCertificates({ key: uri, certificates, signal }) {
      assertOpen();
      const name = nameOf(uri);
      const record = await readRecord(name);
      assertCertificateHoldsKey(certificates, Buffer.from(record.publicKey, 'base64'));
      throwIfAborted(signal);
      const updated: KeyRecord = {
        ...record,
        certificates: certificates.map((c) => Buffer.from(c).toString('base64')),
      };
      await writeJsonAtomic(keyPath(directory, name), updated);
      return toInfo(updated);
    },

    async close() {
      closed = true;
      loaded.clear();
    },
  };
}
