import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { createSigner, isSignetError, SignetError } from '@signet/sdk';
import { createSoftKeyProvider, type KeyStoreSecret, type SoftKeyProvider } from '@signet/sdk/soft';
import { issueSelfSignedCertificate } from '@signet/sdk/x509';
import type { Env } from './config/load.js';

/**
 * The software key store of the embedded defaults. Its secret comes from the environment
 * (`SIGNET_PASSPHRASE[_FILE]`, `SIGNET_MASTER_KEY[_FILE]`); with none, a development master key is
 * created beside the store, with a warning: fine for a quick start, not for real keys.
 */
export async function openServerKeyStore(
  directory: string,
  dataDir: string,
  env: Env,
  logger: Logger,
): Promise<SoftKeyProvider> {
  return createSoftKeyProvider({ directory, secret: await secretFrom(env, dataDir, logger) });
}

async function secretFrom(env: Env, dataDir: string, logger: Logger): Promise<KeyStoreSecret> {
  if (env.SIGNET_PASSPHRASE) return { passphrase: env.SIGNET_PASSPHRASE };
  if (env.SIGNET_PASSPHRASE_FILE)
    return { passphrase: (await readFile(env.SIGNET_PASSPHRASE_FILE, 'utf8')).replace(/\r?\n$/, '') };
  const keyText =
    env.SIGNET_MASTER_KEY ??
    (env.SIGNET_MASTER_KEY_FILE ? await readFile(env.SIGNET_MASTER_KEY_FILE, 'utf8') : undefined);
  if (keyText) return { masterKey: decodeMasterKey(keyText.trim()) };
  const file = join(dataDir, 'master.key');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing) return { masterKey: decodeMasterKey(existing.trim()) };
  if (await createExclusively(file, randomBytes(32).toString('base64'))) {
    logger.warn(
      { file },
      'development master key created beside the key store; set SIGNET_PASSPHRASE_FILE or SIGNET_MASTER_KEY_FILE for real keys',
    );
  }
  return { masterKey: decodeMasterKey((await readFile(file, 'utf8')).trim()) };
}

/**
 * Writes `text` to `file` unless it exists, whole or not at all: written aside, then linked into
 * place, so replicas starting together on a new data folder end up with one key, never a half one.
 * Resolves false when another process made the file first.
 */
async function createExclusively(file: string, text: string): Promise<boolean> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const aside = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(aside, text, { mode: 0o600, flag: 'wx' });
  try {
    await link(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

function decodeMasterKey(text: string): Uint8Array {
  const bytes = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (bytes.length !== 32) throw new SignetError('INVALID_ARGUMENT', 'The master key must be 32 bytes, hex or base64');
  return new Uint8Array(bytes);
}

/** Creates `soft://NAME` (P-256) on first start; with `subject`, also a self-signed code-signing certificate. */
export async function ensureKey(soft: SoftKeyProvider, name: string, logger: Logger, subject?: string): Promise<void> {
  const uri = `soft://${name}`;
  let key = await soft.getKey(uri).catch((error: unknown) => {
    if (isSignetError(error, 'KEY_NOT_FOUND')) return undefined;
    throw error;
  });
  if (!key) {
    // Another replica starting at the same moment may create it first: then use theirs.
    key = await soft.generateKey({ name, spec: 'ec-p256' }).then(
      (created) => (logger.info({ key: uri }, 'key created'), created),
      (error: unknown) => {
        if (isSignetError(error, 'KEY_EXISTS')) return soft.getKey(uri);
        throw error;
      },
    );
  }
  if (subject && key.certificates.length === 0) {
    const certificate = await issueSelfSignedCertificate(await createSigner(soft, uri), {
      subject: { commonName: subject },
    });
    await soft.setCertificates({ key: uri, certificates: [certificate] });
    logger.info({ key: uri, subject }, 'self-signed code-signing certificate created');
  }
}
