import {
  assertAlgorithmFitsKey,
  assertDigestLength,
  getAlgorithm,
  isKeySpec,
  SignetError,
  throwIfAborted,
  withRetries,
  type CallOptions,
  type GenerateKeyParams,
  type KeyInfo,
  type KeyProvider,
  type SetCertificatesParams,
} from '@signet/sdk';
import type { Key, Session } from 'graphene-pk11';
import { writeCertificateChain } from './certificates.js';
import { Connection } from './connection.js';
import { countLabel, describeKey, lookupKey, usable, type UsableKey } from './key-info.js';
import type { TokenIdentity } from './token-identity.js';
import { generateKeyPair } from './keygen.js';
import { shown } from './errors.js';
import { describePrivateKey, findPrivateKeys } from './keys.js';
import { signRecipe } from './mechanisms.js';
import { checkPkcs11Options, type Pkcs11ProviderOptions } from './options.js';

/** The PKCS#11 provider: a {@link KeyProvider} with key generation and certificates on the token. */
export interface Pkcs11Provider extends KeyProvider {
  /** The library, slot and token this provider serves. */
  readonly token: TokenIdentity;
  /** The session pool now, for metrics: sessions open, busy with a call, and callers waiting. */
  readonly sessions: { readonly open: number; readonly busy: number; readonly waiting: number };
  generateKey(params: GenerateKeyParams): Promise<KeyInfo>;
  setCertificates(params: SetCertificatesParams): Promise<KeyInfo>;
  close(): Promise<void>;
}

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Key lookups remembered for signing, per URI; a recovery (new pool generation) voids them all. */
const CACHE_LIMIT = 1024;

/**
 * Opens a PKCS#11 token: loads the module, finds the token by label or serial, logs in, and signs
 * with its keys, named by RFC 7512 `pkcs11:` URIs. Signatures run in a pool of sessions, on libuv's
 * threads, so they proceed in parallel; a token, session or module reset underneath is recovered
 * from (new sessions, login again) and the call retried.
 *
 * @throws SignetError `INVALID_ARGUMENT` (a module that does not load, options), `UNAVAILABLE`
 * (no such token), `PERMISSION_DENIED` (wrong or missing PIN).
 * @example
 * ```ts
 * const hsm = await createPkcs11Provider({ module: '/usr/lib/softhsm/libsofthsm2.so', token: 'ci', pin });
 * const key = await hsm.generateKey({ name: 'release', spec: 'ec-p256' });
 * const signature = await hsm.sign({ key: key.uri, algorithm: 'ecdsa-p256-sha256', digest });
 * ```
 */
export async function createPkcs11Provider(options: Pkcs11ProviderOptions): Promise<Pkcs11Provider> {
  checkPkcs11Options(options);
  const connection = await Connection.open({ ...options, sessions: options.sessions ?? 4 });
  const retry = {
    attempts: options.retry?.attempts ?? 4,
    baseDelayMs: options.retry?.baseDelayMs ?? 50,
    maxDelayMs: options.retry?.maxDelayMs ?? 2000,
  };
  const cache = new Map<string, { key: UsableKey; generation: number }>();
  const generating = new Set<string>();
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing) throw new SignetError('PROVIDER_CLOSED', 'The PKCS#11 provider is closed');
  }

  /** One call on the token, retried with backoff while it fails retryably. */
  function onToken<T>(what: string, signal: AbortSignal | undefined, call: (s: Session, g: number) => T | Promise<T>) {
    assertOpen();
    return withRetries(() => connection.use(what, signal, call), { ...retry, signal });
  }

  function describe(session: Session, key: UsableKey, uri: string): KeyInfo {
    const info = describeKey(session, connection.identity, key, !key.label || countLabel(session, key.label) === 1);
    if (!info) throw new SignetError('KEY_NOT_FOUND', `${uri} has no public key or certificate on the token`);
    return info;
  }

  /** The key for signing: remembered from an earlier lookup of the same generation, else looked up. */
  function signingKey(session: Session, generation: number, uri: string): UsableKey {
    const hit = cache.get(uri);
    if (hit?.generation === generation) return hit.key;
    const key = lookupKey(session, connection.identity, uri);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(uri, { key, generation });
    return key;
  }

  return {
    scheme: 'pkcs11',
    capabilities: { generateKeys: true, signMessage: false, storeCertificates: true },
    get token() {
      return connection.identity;
    },
    get sessions() {
      const { pool } = connection;
      return { open: pool.openSessions, busy: pool.lentSessions, waiting: pool.waiting };
    },

    async listKeys({ signal }: CallOptions = {}) {
      throwIfAborted(signal);
      return onToken('Listing keys', signal, (session) => {
        const all = findPrivateKeys(session, {});
        const labels = new Map<string, number>();
        for (const k of all) if (k.label) labels.set(k.label, (labels.get(k.label) ?? 0) + 1);
        return (all.filter((k) => k.spec !== undefined) as UsableKey[])
          .map((k) => describeKey(session, connection.identity, k, !k.label || labels.get(k.label) === 1))
          .filter((info): info is KeyInfo => info !== undefined);
      });
    },

    async getKey(input, { signal }: CallOptions = {}) {
      const uri = keyUri(input);
      throwIfAborted(signal);
      return onToken(`Reading ${uri}`, signal, (session) =>
        describe(session, lookupKey(session, connection.identity, uri), uri),
      );
    },

    async sign({ key, algorithm: id, digest, signal }) {
      assertOpen();
      const uri = keyUri(key);
      const algorithm = getAlgorithm(id);
      assertDigestLength(algorithm, digest);
      throwIfAborted(signal);
      const recipe = signRecipe(algorithm, digest);
      const signature = await onToken(`Signing with ${uri}`, signal, (session, generation) => {
        const key = signingKey(session, generation, uri);
        assertAlgorithmFitsKey(algorithm, key.spec);
        return signOnce(session, recipe.mechanism, key.object, recipe.input);
      });
      return recipe.output(signature);
    },

    async generateKey({ name, spec, signal }) {
      assertOpen();
      if (typeof name !== 'string' || !KEY_NAME.test(name)) {
        throw new SignetError(
          'INVALID_ARGUMENT',
          `Key name ${shown(name)} must be 1-64 letters, digits, ".", "_" or "-"`,
        );
      }
      if (!isKeySpec(spec)) throw new SignetError('UNSUPPORTED_ALGORITHM', `Unknown key spec ${shown(spec)}`);
      throwIfAborted(signal);
      if (generating.has(name)) throw keyExists(name, connection.identity);
      generating.add(name);
      try {
        // Not retried: a generation that failed late may have created the key after all.
        return await connection.use(`Generating ${name}`, signal, async (session) => {
          if (countLabel(session, name) > 0) throw keyExists(name, connection.identity);
          const pair = await generateKeyPair(session, name, spec);
          try {
            return describe(session, usable(describePrivateKey(pair.privateKey), name), name);
          } catch (error) {
            pair.privateKey.destroy();
            pair.publicKey.destroy();
            throw error;
          }
        });
      } finally {
        generating.delete(name);
      }
    },

    async setCertificates({ key, certificates, signal }) {
      const uri = keyUri(key);
      if (!Array.isArray(certificates) || !certificates.every((c) => c instanceof Uint8Array)) {
        throw new SignetError('INVALID_CERTIFICATE', 'certificates must be a list of DER certificates (Uint8Array)');
      }
      throwIfAborted(signal);
      const { assertCertificateHoldsKey, describeCertificate } = await import('@signet/sdk/x509');
      return onToken(`Storing certificates of ${uri}`, signal, (session) => {
        const key = lookupKey(session, connection.identity, uri);
        assertCertificateHoldsKey(certificates, describe(session, key, uri).publicKey);
        if (key.id.length === 0) {
          throw new SignetError('INVALID_ARGUMENT', `${uri} has no CKA_ID, which links a key to its certificate`);
        }
        throwIfAborted(signal);
        writeCertificateChain(session, key, certificates, (der) => describeCertificate(der).subject);
        return describe(session, key, uri);
      });
    },

    close() {
      closing ??= connection.close();
      return closing;
    },
  };
}

/** C_SignInit, then C_Sign on one of libuv's threads. */
function signOnce(session: Session, mechanism: Parameters<Session['createSign']>[0], key: Key, input: Buffer) {
  const operation = session.createSign(mechanism, key);
  return new Promise<Buffer>((resolve, reject) => {
    operation.once(input, (error, signature) => (error ? reject(error) : resolve(signature)));
  });
}

/** @throws SignetError `INVALID_KEY_URI` for anything but a string; the parser checks the rest. */
function keyUri(input: unknown): string {
  if (typeof input !== 'string') throw new SignetError('INVALID_KEY_URI', `${shown(input)} is not a pkcs11: key URI`);
  return input;
}

function keyExists(name: string, identity: TokenIdentity): SignetError {
  return new SignetError('KEY_EXISTS', `The token "${identity.token}" already has a key labelled "${name}"`, {
    details: { name },
  });
}
