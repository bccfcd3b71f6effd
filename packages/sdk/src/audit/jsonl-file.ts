import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SignetError } from '../errors/errors.js';

/** An append-only JSON Lines file: complete lines only, each write durable before it counts. */
export interface JsonlFile {
  /** Number of complete lines. */
  readonly lines: number;
  /** Appends lines with one write and one fdatasync. All or nothing (see {@link openJsonl}). */
  append(lines: readonly string[]): Promise<void>;
  /** Lines [from, to) without their newlines. */
  read(from: number, to: number): Promise<string[]>;
  close(): Promise<void>;
}

const CHUNK = 1 << 20;

/**
 * Opens (or creates) a JSON Lines file and calls `check` on each line, in order. Bytes after the
 * last newline are a line torn by a crash mid-write: never acknowledged, so they are cut off.
 * Any other bad line stops the open with `AUDIT_CORRUPT` naming it (1-based).
 *
 * A failed write is rolled back by truncating to the previous end. A failed fdatasync also marks
 * the file unusable until reopened: after one, Linux may have dropped the dirty pages while
 * reporting the next fdatasync as a success, so only a fresh read tells what is on disk.
 */
export async function openJsonl(path: string, check: (line: string, index: number) => void): Promise<JsonlFile> {
  const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600).catch((cause: unknown) => {
    throw new SignetError('IO_ERROR', `${path}: cannot be opened`, { cause, details: { path } });
  });
  const starts: number[] = [];
  let end: number;
  try {
    end = await scan(handle, path, starts, check);
    const { size } = await handle.stat();
    if (size > end) {
      await handle.truncate(end); // the torn last line
      await handle.datasync();
    }
    if (size === 0) await syncDirectory(dirname(path)); // a new file: make its name durable too
  } catch (error) {
    await handle.close();
    throw error;
  }
  let broken: unknown;

  return {
    get lines() {
      return starts.length;
    },
    async append(lines) {
      if (broken) throw unavailable(path, 'an earlier write failed; reopen the store', broken);
      const text = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
      let syncing = false;
      try {
        for (let done = 0; done < text.length;) {
          done += (await handle.write(text, done, text.length - done, end + done)).bytesWritten;
        }
        syncing = true;
        await handle.datasync();
      } catch (cause) {
        if (syncing) broken = cause;
        await handle
          .truncate(end)
          .then(() => handle.datasync())
          .catch((e: unknown) => (broken ??= e));
        throw unavailable(path, 'could not be written', cause);
      }
      for (const line of lines) {
        starts.push(end);
        end += Buffer.byteLength(line, 'utf8') + 1;
      }
    },
    async read(from, to) {
      if (from >= to) return [];
      const stop = to < starts.length ? starts[to]! : end;
      const bytes = Buffer.alloc(stop - starts[from]!);
      await handle.read(bytes, 0, bytes.length, starts[from]!);
      return bytes.toString('utf8', 0, bytes.length - 1).split('\n');
    },
    close: () => handle.close(),
  };
}

/** Reads every complete line, records where each starts, returns where the last one ends. */
async function scan(handle: FileHandle, path: string, starts: number[], check: (line: string, i: number) => void) {
  const buffer = Buffer.alloc(CHUNK);
  let carry = Buffer.alloc(0); // the start of a line that continues in the next chunk
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
    if (bytesRead === 0) return position - carry.length;
    let chunk = buffer.subarray(0, bytesRead);
    let lineStart = position - carry.length;
    if (carry.length > 0) chunk = Buffer.concat([carry, chunk]);
    position += bytesRead;
    let from = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, from)) {
      const index = starts.length;
      try {
        check(chunk.toString('utf8', from, nl), index);
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new SignetError('AUDIT_CORRUPT', `${path}: line ${index + 1} is damaged: ${why}`, {
          cause,
          details: { path, line: index + 1 },
        });
      }
      starts.push(lineStart);
      lineStart += nl + 1 - from;
      from = nl + 1;
    }
    carry = Buffer.from(chunk.subarray(from));
  }
}

/** fsyncs a folder, so names created in it survive a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function unavailable(path: string, what: string, cause: unknown): SignetError {
  return new SignetError('AUDIT_UNAVAILABLE', `${path} ${what}`, { cause, details: { path } });
}
