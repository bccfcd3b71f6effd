import { open } from 'node:fs/promises';
import { isSignetError, SignetError, throwIfAborted } from '../../errors/errors.js';

/** What a detached signature covers: a local file, or bytes from a stream (a download, a pipe). */
export type PgpSignInput = { path: string } | { stream: AsyncIterable<Uint8Array> };

/** Progress of hashing the input. */
export interface PgpSignProgress {
  /** Bytes hashed so far. */
  readonly bytes: number;
  /** Size of the file when hashing started; undefined for a stream. */
  readonly total: number | undefined;
}

/** Read size: large enough that hashing, not system calls, sets the pace. */
const CHUNK = 1 << 20;

/**
 * Calls `consume` with each chunk of the input in order, holding at most two chunks in memory.
 * A chunk's buffer is reused once `consume` returns: consume it synchronously.
 *
 * @throws SignetError `IO_ERROR`, `ABORTED`, `INVALID_ARGUMENT` (a stream that yields text).
 */
export async function forEachChunk(
  input: PgpSignInput,
  consume: (chunk: Uint8Array, total: number | undefined) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (input === null || typeof input !== 'object' || !('path' in input || 'stream' in input)) {
    throw new SignetError('INVALID_ARGUMENT', 'Give the input to sign as { path } or { stream }');
  }
  if ('path' in input) return readFile(input.path, consume, signal);
  try {
    for await (const chunk of input.stream) {
      throwIfAborted(signal);
      if (!(chunk instanceof Uint8Array)) {
        throw new SignetError('INVALID_ARGUMENT', 'The stream to sign must yield bytes, not text');
      }
      consume(chunk, undefined);
    }
  } catch (cause) {
    if (isSignetError(cause)) throw cause;
    throw new SignetError('IO_ERROR', 'The stream to sign failed', { cause });
  }
}

async function readFile(
  path: string,
  consume: (chunk: Uint8Array, total: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  throwIfAborted(signal);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw ioError(path, cause);
  }
  try {
    const total = (await handle.stat()).size;
    // Two buffers: the next read runs on the thread pool while this chunk is hashed.
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const;
    let turn = 0;
    let pending = handle.read(buffers[0], 0, CHUNK, null);
    for (;;) {
      const { bytesRead } = await pending;
      throwIfAborted(signal);
      if (bytesRead === 0) break;
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      turn ^= 1;
      pending = handle.read(buffers[turn]!, 0, CHUNK, null);
      consume(chunk, total);
    }
  } catch (cause) {
    if (isSignetError(cause)) throw cause;
    throw ioError(path, cause);
  } finally {
    await handle.close();
  }
}

function ioError(path: string, cause: unknown): SignetError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
  return new SignetError('IO_ERROR', `${path}: ${reason}`, { cause, details: { path } });
}
