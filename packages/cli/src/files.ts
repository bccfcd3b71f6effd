import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { digestFile, SignetError, type HashAlgorithm } from '@signet/sdk';
import type { Context } from './context.js';

/** A file named on the command line: as the user wrote it, and where it is. */
export interface InputFile {
  /** The path as given, for messages and output. */
  readonly name: string;
  readonly path: string;
  readonly size: number;
}

/** A file to write: where, as shown to the user, and its bytes. */
export interface OutputFile {
  readonly name: string;
  readonly path: string;
  readonly data: Uint8Array | string;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** An `IO_ERROR` for `name` that keeps the errno (the exit status depends on it). */
export function ioError(name: string, cause: unknown): SignetError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason = (errno && REASONS[errno]) ?? 'cannot be read or written';
  return new SignetError('IO_ERROR', `${name}: ${reason}`, { cause, details: { path: name } });
}

/** Checks that every input is a readable regular file, before any secret is asked for. */
export async function statInputs(ctx: Context, names: readonly string[]): Promise<InputFile[]> {
  return Promise.all(
    names.map(async (name) => {
      const path = ctx.path(name);
      const info = await stat(path).catch((cause: unknown) => {
        throw ioError(name, cause);
      });
      if (info.isDirectory()) throw ioError(name, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
      return { name, path, size: info.size };
    }),
  );
}

/** Hashes every input in one streaming pass each, with one progress bar across all of them. */
export async function digestInputs(
  ctx: Context,
  inputs: readonly InputFile[],
  hash: HashAlgorithm,
): Promise<Uint8Array[]> {
  const total = inputs.reduce((sum, f) => sum + f.size, 0);
  const progress = ctx.progress(total, 'hashing');
  const digests: Uint8Array[] = [];
  let before = 0;
  try {
    for (const input of inputs) {
      const result = await digestFile(input.path, {
        hashes: [hash],
        signal: ctx.signal,
        onProgress: ({ bytes }) => progress.update(before + bytes),
      }).catch((cause: unknown) => {
        // The SDK names the absolute path; the user typed a relative one.
        if (cause instanceof SignetError && cause.code === 'IO_ERROR') throw ioError(input.name, cause.cause);
        throw cause;
      });
      before += result.size;
      digests.push(result.digests[hash]!);
    }
  } finally {
    progress.done();
  }
  return digests;
}

/** Reads a whole (small) file: a signature, a certificate, a key. */
export async function readInput(ctx: Context, name: string): Promise<Buffer> {
  try {
    return await readFile(ctx.path(name));
  } catch (cause) {
    throw ioError(name, cause);
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Refuses to replace existing files unless `force`. */
export async function assertWritable(
  outputs: readonly Pick<OutputFile, 'name' | 'path'>[],
  force: boolean,
): Promise<void> {
  if (force) return;
  for (const output of outputs) {
    if (await exists(output.path)) {
      throw new SignetError('INVALID_ARGUMENT', `${output.name} already exists; use --force to replace it`, {
        details: { path: output.name },
      });
    }
  }
}

/**
 * Writes every output or none: each goes to a temporary file beside its target first, then all
 * are moved into place. Without `force`, an existing target is never replaced, even one that
 * appeared since {@link assertWritable}.
 */
export async function writeOutputs(outputs: readonly OutputFile[], force: boolean): Promise<void> {
  const temporary: string[] = [];
  const placed: string[] = [];
  try {
    for (const output of outputs) {
      const tmp = join(dirname(output.path), `.${basename(output.path)}.${randomBytes(4).toString('hex')}.tmp`);
      await writeFile(tmp, output.data, { flag: 'wx', mode: 0o644 }).catch((cause: unknown) => {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(output.name, cause);
        throw new SignetError('IO_ERROR', `${output.name}: no such folder`, { cause, details: { path: output.name } });
      });
      temporary.push(tmp);
    }
    for (const [i, output] of outputs.entries()) {
      await place(temporary[i]!, output, force);
      placed.push(output.path);
    }
  } catch (error) {
    if (!force) await Promise.all(placed.map((p) => unlink(p).catch(() => undefined)));
    throw error;
  } finally {
    await Promise.all(temporary.map((t) => unlink(t).catch(() => undefined)));
  }
}

async function place(tmp: string, output: OutputFile, force: boolean): Promise<void> {
  try {
    if (force) return await rename(tmp, output.path);
    try {
      await link(tmp, output.path);
    } catch (cause) {
      const errno = (cause as NodeJS.ErrnoException).code;
      // File systems without hard links: an exclusive copy still never replaces a file.
      if (errno !== 'EPERM' && errno !== 'ENOTSUP' && errno !== 'EXDEV') throw cause;
      await copyFile(tmp, output.path, constants.COPYFILE_EXCL);
    }
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SignetError('INVALID_ARGUMENT', `${output.name} already exists; use --force to replace it`, {
        details: { path: output.name },
      });
    }
    throw ioError(output.name, cause);
  }
}
