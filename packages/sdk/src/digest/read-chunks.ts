import { open } from 'node:fs/promises';
import { isSignetError, SignetError, throwIfAborted } from '../errors/errors.js';

/** Read size per chunk: large enough that hashing, not system calls, sets the pace. */
export const CHUNK = 1 << 20;

/**
 * Calls `consume` with each chunk of the file in order, holding at most two chunks in memory: the
 * next read runs on the thread pool while this chunk is consumed. A chunk's buffer is reused once
 * `consume` returns, so consume it synchronously. Resolves with the bytes read.
 *
 * @throws SignetError `IO_ERROR` naming the file and why, `ABORTED` when `signal` fires.
 */
export async function readFileInChunks(
  path: string,
  consume: (chunk: Uint8Array, total: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  throwIfAborted(signal);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw fileReadError(path, cause);
  }
  try {
    const total = (await handle.stat()).size;
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const;
    let bytes = 0;
    let turn = 0;
    let pending = handle.read(buffers[0], 0, CHUNK, null);
    for (;;) {
      const { bytesRead } = await pending;
      throwIfAborted(signal);
      if (bytesRead === 0) return bytes;
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      turn ^= 1;
      pending = handle.read(buffers[turn]!, 0, CHUNK, null);
      bytes += bytesRead;
      consume(chunk, total);
    }
  } catch (cause) {
    if (isSignetError(cause)) throw cause;
    throw fileReadError(path, cause);
  } finally {
    await handle.close();
  }
}

/** `IO_ERROR` for a file that cannot be read, saying why in words. */
export function fileReadError(path: string, cause: unknown): SignetError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : 'cannot be read';
  return new SignetError('IO_ERROR', `${path}: ${reason}`, { cause, details: { path } });
}
