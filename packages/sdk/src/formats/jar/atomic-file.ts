import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isSignetError, SignetError } from '../../errors/errors.js';

/**
 * Writes `path` through a temporary file beside it, synced and then renamed over it, so readers
 * see the old file or the complete new one and a failure leaves nothing behind. `write` may be
 * given the file being replaced as its input: it stays intact until the rename.
 *
 * @param mode permission bits of the new file.
 * @throws SignetError `IO_ERROR`, or whatever `write` throws (the temporary file is removed).
 */
export async function writeAtomically(
  path: string,
  mode: number,
  write: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx', mode);
    await write(handle);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (cause) {
    await handle?.close().catch(() => {});
    await rm(temporary, { force: true }).catch(() => {});
    if (isSignetError(cause)) throw cause;
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason = code === 'ENOENT' ? 'no such folder' : code === 'EISDIR' ? 'is a directory' : 'cannot be written';
    throw new SignetError('IO_ERROR', `${path}: ${reason}`, { cause, details: { path } });
  }
}

/** The permission bits of a file, to give its signed copy the same. */
export async function modeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return 0o644;
  }
}
