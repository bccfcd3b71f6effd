import { SignetError } from '../../errors/errors.js';
import { headerPath, parseHeader, readJson, writeJsonAtomic } from './key-store.js';
import {
  DEFAULT_SCRYPT,
  deriveKek,
  newKdfParams,
  open,
  seal,
  type KeyStoreSecret,
  type ScryptCost,
} from './sealing.js';

const CHECK_PLAINTEXT = 'signet-keystore-check-v1';

export interface UnlockOptions {
  directory: string;
  secret: KeyStoreSecret;
  create?: boolean;
  scryptCost?: ScryptCost;
}

/** Opens the store header (creating it if allowed) and proves the secret against its check value. */
export async function unlock(options: UnlockOptions): Promise<Buffer> {
  const path = headerPath(options.directory);
  const value = await readJson(path);
  if (value === undefined) {
    if (options.create === false) {
      throw new SignetError('KEY_NOT_FOUND', `No key store in ${options.directory}`, { details: { path } });
    }
    const kdf = newKdfParams(options.secret, options.scryptCost ?? DEFAULT_SCRYPT);
    const kek = await deriveKek(options.secret, kdf);
    const header = {
      format: 'signet-keystore',
      version: 1,
      kdf,
      check: seal(kek, Buffer.from(CHECK_PLAINTEXT), 'check'),
    };
    if (await writeJsonAtomic(path, header, true)) return kek;
    return unlock(options); // another process created it first: open theirs
  }
  const header = parseHeader(path, value);
  let kek: Buffer;
  try {
    kek = await deriveKek(options.secret, header.kdf);
  } catch (cause) {
    throw new SignetError(
      'BAD_PASSPHRASE',
      `Cannot open the key store in ${options.directory}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (open(kek, header.check, 'check')?.toString() !== CHECK_PLAINTEXT) {
    throw new SignetError(
      'BAD_PASSPHRASE',
      `Wrong passphrase or master key for the key store in ${options.directory}`,
      {
        details: { directory: options.directory },
      },
    );
  }
  return kek;
}
