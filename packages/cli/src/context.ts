import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createProviderRegistry, SignetError, type ProviderRegistry } from '@signet/sdk';
import { createSoftKeyProvider, type KeyStoreSecret, type SoftKeyProvider } from '@signet/sdk/soft';
import { ioError } from './files.js';
import { createOutput, type OutStream, type Output } from './output.js';
import type { AuditLog } from '@signet/sdk/audit';
import { createRemoteClient, type RemoteClient } from '@signet/sdk/remote';
import { openEmbeddedEngine, openLocalAudit, type EmbeddedEngine } from './embedded-engine.js';
import { createProgress, type Progress } from './progress.js';
import { loadCliConfig } from './config/config.js';
import { registerConfiguredProviders, SOFT_SOURCE, type ProviderSource } from './key-providers.js';

/*
 * The one place that reads flat configuration (environment variables, global flags and
 * `$SIGNET_HOME/config.yaml`) and builds the object graph the commands use: output, progress, and
 * the provider registry with the software key store and the configured providers. Commands never
 * read `env` themselves.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** The process around a run: injected so tests can call `run` in-process. */
export interface RunIO {
  env: Env;
  stdout: OutStream;
  stderr: OutStream;
  /** Relative paths in arguments resolve against this folder. */
  cwd: string;
  /** Aborts long work (hashing) when fired, e.g. on Ctrl-C. */
  signal?: AbortSignal;
}

/** Flags every command accepts (`signet --help`). */
export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  /** `--no-progress` sets this to false. */
  progress?: boolean;
  keystore?: string;
  server?: string;
}

/** The key providers of a run: the registry and where each of its schemes comes from. */
export interface KeyProviders {
  readonly registry: ProviderRegistry;
  /** `soft` first, then the configured providers in the configuration's order. */
  readonly sources: readonly ProviderSource[];
}

export interface Context {
  readonly out: Output;
  readonly signal: AbortSignal | undefined;
  /** Folder of the software key store. */
  readonly keystore: string;
  /**
   * Key providers by URI scheme: the software store and those `config.yaml` names. The file is read
   * on the first call; each provider opens on first use of its scheme.
   */
  providers(): Promise<KeyProviders>;
  /** Resolves a path argument against the working folder. */
  path(path: string): string;
  /** A progress bar on stderr for `total` bytes of work (a no-op when it would not help). */
  progress(total: number, label: string): Progress;
  /** The software key store. `create` makes an empty one when there is none. */
  softKeys(options?: { create?: boolean }): Promise<SoftKeyProvider>;
  /** Whether the key store folder holds a key store (no secret needed). */
  keyStoreExists(): Promise<boolean>;
  /** The signing engine (policy, audit log) for the local user; opened on first use. */
  engine(): Promise<EmbeddedEngine>;
  /** The local audit log in `$SIGNET_HOME/audit`; opened on first use, closed by `close()`. */
  audit(): Promise<AuditLog>;
  /** `$SIGNET_HOME`: the key store's default parent, the local policy and audit log. */
  readonly home: string;
  /** The Signet server to sign through (`--server` or `SIGNET_SERVER`, token `SIGNET_TOKEN`). */
  readonly remote: RemoteClient | undefined;
  close(): Promise<void>;
}

/** Variables that unlock the key store, in the order the help and errors name them. */
export const SECRET_VARIABLES = [
  'SIGNET_PASSPHRASE',
  'SIGNET_PASSPHRASE_FILE',
  'SIGNET_MASTER_KEY',
  'SIGNET_MASTER_KEY_FILE',
] as const;

/** Output settings alone: for errors raised before the command line is parsed. */
export function outputFor(io: RunIO, options: GlobalOptions): Output {
  return createOutput({
    stdout: io.stdout,
    stderr: io.stderr,
    json: options.json === true,
    quiet: options.quiet === true,
    color: io.stderr.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb',
    debug: io.env.SIGNET_DEBUG === '1',
  });
}

/** Builds the object graph for one command from the environment and the global flags. */
export function createContext(io: RunIO, options: GlobalOptions): Context {
  const out = outputFor(io, options);
  const path = (p: string): string => resolve(io.cwd, p);
  const keystore = path(options.keystore ?? io.env.SIGNET_KEYSTORE ?? join(signetHome(io), 'keys'));
  const showProgress = options.progress !== false && options.quiet !== true;

  let soft: Promise<SoftKeyProvider> | undefined;
  const keyStoreExists = (): Promise<boolean> =>
    access(join(keystore, 'keystore.json')).then(
      () => true,
      () => false,
    );

  async function openSoft(create: boolean): Promise<SoftKeyProvider> {
    if (!create && !(await keyStoreExists())) {
      throw new SignetError(
        'KEY_NOT_FOUND',
        `No key store in ${keystore}; create a key first: signet keys create NAME`,
        {
          details: { keystore },
        },
      );
    }
    const secret = await readSecret(io);
    return createSoftKeyProvider({ directory: keystore, secret, create });
  }

  function softKeys({ create = false } = {}): Promise<SoftKeyProvider> {
    if (!soft) {
      const opening = openSoft(create);
      opening.catch(() => (soft = undefined));
      soft = opening;
    }
    return soft;
  }

  async function openProviders(): Promise<KeyProviders> {
    const home = signetHome(io);
    const configFile = io.env.SIGNET_CONFIG ? path(io.env.SIGNET_CONFIG) : undefined;
    const config = await loadCliConfig({ configFile, home });
    const registry = createProviderRegistry();
    registry.register('soft', () => softKeys());
    const configured = await registerConfiguredProviders(registry, config, { env: io.env, cwd: io.cwd, home });
    return { registry, sources: [SOFT_SOURCE, ...configured] };
  }

  let keyProviders: Promise<KeyProviders> | undefined;
  function providers(): Promise<KeyProviders> {
    if (!keyProviders) {
      keyProviders = openProviders();
      keyProviders.catch(() => (keyProviders = undefined));
    }
    return keyProviders;
  }

  let auditLog: Promise<AuditLog> | undefined;
  function audit(): Promise<AuditLog> {
    if (!auditLog) {
      auditLog = openLocalAudit(signetHome(io));
      auditLog.catch(() => (auditLog = undefined));
    }
    return auditLog;
  }

  let embedded: Promise<EmbeddedEngine> | undefined;
  function engine(): Promise<EmbeddedEngine> {
    if (!embedded) {
      const policyFile = io.env.SIGNET_POLICY ? path(io.env.SIGNET_POLICY) : undefined;
      embedded = Promise.all([audit(), providers()]).then(([log, { registry }]) =>
        openEmbeddedEngine({ registry, audit: log, home: signetHome(io), ...(policyFile ? { policyFile } : {}) }),
      );
      embedded.catch(() => (embedded = undefined));
    }
    return embedded;
  }

  return {
    out,
    signal: io.signal,
    keystore,
    providers,
    path,
    progress: (total, label) => createProgress({ stream: io.stderr, total, label, enabled: showProgress }),
    softKeys,
    keyStoreExists,
    engine,
    audit,
    home: signetHome(io),
    remote: remoteClient(io, options),
    async close() {
      const openedAudit = await auditLog?.catch(() => undefined);
      await openedAudit?.close();
      const opened = await keyProviders?.catch(() => undefined);
      await opened?.registry.close();
      const openedSoft = await soft?.catch(() => undefined);
      await openedSoft?.close();
    },
  };
}

/** The server client when a server is configured; the token comes from the environment only. */
function remoteClient(io: RunIO, options: GlobalOptions): RemoteClient | undefined {
  const url = options.server ?? io.env.SIGNET_SERVER;
  if (!url) return undefined;
  if (!/^https?:\/\//.test(url) || !URL.canParse(url))
    throw new SignetError('INVALID_ARGUMENT', `--server must be an http(s) URL, not "${url}"`);
  const token = io.env.SIGNET_TOKEN;
  return createRemoteClient({ url, ...(token ? { token } : {}) });
}

function signetHome(io: RunIO): string {
  if (io.env.SIGNET_HOME) return resolve(io.cwd, io.env.SIGNET_HOME);
  return join(io.env.HOME || io.env.USERPROFILE || homedir(), '.signet');
}

/**
 * The secret that unlocks the key store, from exactly one of {@link SECRET_VARIABLES}.
 *
 * @throws SignetError `PASSPHRASE_REQUIRED` when none is set, `INVALID_ARGUMENT` when several are
 * or a master key is malformed, `IO_ERROR` when a secret file cannot be read.
 */
export async function readSecret(io: Pick<RunIO, 'env' | 'cwd'>): Promise<KeyStoreSecret> {
  const set = SECRET_VARIABLES.filter((name) => io.env[name]);
  if (set.length === 0) {
    throw new SignetError(
      'PASSPHRASE_REQUIRED',
      'The key store is locked: set SIGNET_PASSPHRASE or SIGNET_PASSPHRASE_FILE (or SIGNET_MASTER_KEY[_FILE])',
    );
  }
  if (set.length > 1) {
    throw new SignetError('INVALID_ARGUMENT', `Set only one of ${set.join(', ')}`);
  }
  const name = set[0]!;
  const value = io.env[name]!;
  switch (name) {
    case 'SIGNET_PASSPHRASE':
      return { passphrase: value };
    case 'SIGNET_PASSPHRASE_FILE': {
      const passphrase = (await readSecretFile(io, name, value)).toString('utf8').replace(/\r?\n$/, '');
      if (!passphrase) throw new SignetError('PASSPHRASE_REQUIRED', `SIGNET_PASSPHRASE_FILE: ${value} is empty`);
      return { passphrase };
    }
    case 'SIGNET_MASTER_KEY':
      return { masterKey: parseMasterKey(name, value) };
    case 'SIGNET_MASTER_KEY_FILE': {
      const bytes = await readSecretFile(io, name, value);
      return { masterKey: bytes.length === 32 ? new Uint8Array(bytes) : parseMasterKey(name, bytes.toString('utf8')) };
    }
  }
}

async function readSecretFile(io: Pick<RunIO, 'cwd'>, variable: string, file: string): Promise<Buffer> {
  try {
    return await readFile(resolve(io.cwd, file));
  } catch (cause) {
    const error = ioError(file, cause);
    throw new SignetError('IO_ERROR', `${variable}: ${error.message}`, { cause, details: error.details });
  }
}

/** 32 bytes as 64 hex digits or base64 (standard or URL-safe). */
function parseMasterKey(variable: string, text: string): Uint8Array {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return new Uint8Array(Buffer.from(value, 'hex'));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return new Uint8Array(bytes);
  }
  throw new SignetError('INVALID_ARGUMENT', `${variable} must be 32 bytes, as 64 hex digits or base64`);
}
