import { readFileInChunks } from '../../digest/read-chunks.js';
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
  if ('path' in input) {
    await readFileInChunks(input.path, consume, signal);
    return;
  }
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
