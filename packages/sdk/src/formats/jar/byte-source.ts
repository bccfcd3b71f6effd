import { open, type FileHandle } from 'node:fs/promises';
import { SignetError } from '../../errors/errors.js';

/** Random access to an archive's bytes: a file on disk, or a buffer in tests. */
export interface ByteSource {
  /** Size in bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes from `position`. The buffer stays valid after later reads.
   *
   * @throws SignetError `INVALID_FORMAT` when the range runs past the end, `IO_ERROR`.
   */
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** One read from disk serves many small entries: JARs hold thousands of files of a few KiB. */
const WINDOW = 1 << 20;

/**
 * A file read through a 1 MiB window, so reading a JAR's entries in order costs one system call
 * per MiB rather than two per entry.
 *
 * @throws SignetError `IO_ERROR` when the file cannot be opened.
 */
export async function openFileSource(path: string): Promise<ByteSource> {
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(path, 'r');
    size = (await handle.stat()).size;
  } catch (cause) {
    throw ioError(path, cause);
  }
  let window: Buffer = Buffer.alloc(0);
  let windowStart = 0;
  const readAt = async (position: number, length: number): Promise<Buffer> => {
    // A fresh buffer each time: slices handed out earlier must not change under their holder.
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    try {
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (cause) {
      throw ioError(path, cause);
    }
    return buffer.subarray(0, done);
  };
  return {
    size,
    async read(position, length) {
      checkRange(position, length, size);
      if (position >= windowStart && position + length <= windowStart + window.length) {
        return window.subarray(position - windowStart, position - windowStart + length);
      }
      if (length > WINDOW / 2) return exact(await readAt(position, length), length);
      window = await readAt(position, Math.min(WINDOW, size - position));
      windowStart = position;
      return exact(window.subarray(0, length), length);
    },
    close: () => handle.close(),
  };
}

/** A source over bytes in memory (tests, small archives). */
export function bufferSource(bytes: Uint8Array): ByteSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: buffer.length,
    async read(position, length) {
      checkRange(position, length, buffer.length);
      return buffer.subarray(position, position + length);
    },
    close: async () => {},
  };
}

function checkRange(position: number, length: number, size: number): void {
  if (!(Number.isSafeInteger(position) && Number.isSafeInteger(length) && position >= 0 && length >= 0)) {
    throw truncated();
  }
  if (position + length > size) throw truncated();
}

/** The file shrank while we read it: treat it as truncated. */
function exact(buffer: Buffer, length: number): Buffer {
  if (buffer.length !== length) throw truncated();
  return buffer;
}

function truncated(): SignetError {
  return new SignetError('INVALID_FORMAT', 'The ZIP archive is truncated: a record points past its end');
}

function ioError(path: string, cause: unknown): SignetError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
  return new SignetError('IO_ERROR', `${path}: ${reason}`, { cause, details: { path } });
}
