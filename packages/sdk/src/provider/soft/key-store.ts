import { randomBytes } from 'node:crypto';
import { link, mkdir, open as openFile, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SignetError } from '../../errors/errors.js';
import { isKeySpec, type KeySpec } from '../../algorithms/algorithms.js';
import type { KdfParams, Sealed } from './sealing.js';

/*
 * The on-disk layout of a software key store:
 *
 *   DIR/keystore.json    header: KDF parameters and a check value that proves the secret
 *   DIR/keys/NAME.json   one key: public facts, certificates, and the sealed PKCS#8
 *
 * Every write goes to a temporary file, is flushed, and is renamed (or linked) into place, so a
 * crash or a refused request never leaves a half-written file.
 */

export interface StoreHeader {
  readonly format: 'signet-keystore';
  readonly version: 1;
  readonly kdf: KdfParams;
  /** A known plaintext sealed under the KEK: opening it proves the secret is right. */
  readonly check: Sealed;
}

export interface KeyRecord {
  readonly format: 'signet-key';
  readonly version: 1;
  readonly name: string;
  readonly spec: KeySpec;
  readonly createdAt: string;
  /** base64 DER SubjectPublicKeyInfo */
  readonly publicKey: string;
  /** base64 DER certificates, the key's own first */
  readonly certificates: readonly string[];
  /** PKCS#8 DER sealed with AAD bound to name, spec and public key */
  readonly sealed: Sealed;
}

/** Key names: safe as file names and in URIs. */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function headerPath(directory: string): string {
  return join(directory, 'keystore.json');
}

export function keyPath(directory: string, name: string): string {
  return join(directory, 'keys', `${name}.json`);
}

/** Reads and parses a JSON file; undefined when it does not exist. */
export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SignetError('IO_ERROR', `${path}: cannot be read`, { cause, details: { path } });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw corrupt(path, 'is not valid JSON', cause);
  }
}

export function corrupt(path: string, what: string, cause?: unknown): SignetError {
  return new SignetError('KEYSTORE_CORRUPT', `Key store file ${path} ${what}`, { cause, details: { path } });
}

const isSealed = (v: unknown): v is Sealed =>
  typeof v === 'object' &&
  v !== null &&
  ['iv', 'data', 'tag'].every((k) => typeof (v as Record<string, unknown>)[k] === 'string');

export function parseHeader(path: string, value: unknown): StoreHeader {
  const h = value as Partial<StoreHeader> | null;
  const kdf = h?.kdf as Partial<KdfParams> | undefined;
  const kdfOk =
    typeof kdf?.salt === 'string' &&
    (kdf.name === 'hkdf-sha256' ||
      (kdf.name === 'scrypt' && [kdf.N, kdf.r, kdf.p].every((n) => Number.isSafeInteger(n) && (n as number) > 0)));
  if (h?.format !== 'signet-keystore' || h.version !== 1 || !kdfOk || !isSealed(h.check)) {
    throw corrupt(path, 'is not a Signet key store header (version 1)');
  }
  return h as StoreHeader;
}

export function parseKeyRecord(path: string, value: unknown): KeyRecord {
  const r = value as Partial<KeyRecord> | null;
  const ok =
    r?.format === 'signet-key' &&
    r.version === 1 &&
    typeof r.name === 'string' &&
    KEY_NAME.test(r.name) &&
    typeof r.spec === 'string' &&
    isKeySpec(r.spec) &&
    typeof r.createdAt === 'string' &&
    typeof r.publicKey === 'string' &&
    Array.isArray(r.certificates) &&
    r.certificates.every((c) => typeof c === 'string') &&
    isSealed(r.sealed);
  if (!ok) throw corrupt(path, 'is not a Signet key record (version 1)');
  return r as KeyRecord;
}

/** Names of the key records in the store, sorted. */
export async function listKeyNames(directory: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(join(directory, 'keys'));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SignetError('IO_ERROR', `${directory}: cannot be listed`, { cause });
  }
  return entries
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((n) => KEY_NAME.test(n))
    .sort();
}

/**
 * Writes `value` as JSON to `path` atomically (mode 0600). With `exclusive`, refuses to replace an
 * existing file (returns false) instead of overwriting it.
 */
export async function writeJsonAtomic(path: string, value: unknown, exclusive = false): Promise<boolean> {
  const dir = join(path, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await openFile(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (exclusive) {
      try {
        await link(tmp, path);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw cause;
      }
    } else {
      await rename(tmp, path);
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  await syncDirectory(dir);
  return true;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await openFile(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
