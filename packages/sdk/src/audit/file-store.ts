import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isSignetError, SignetError } from '../errors/errors.js';
import { parseCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { parseRecord } from './event.js';
import { lockDirectory } from './file-lock.js';
import { openJsonl, syncDirectory, type JsonlFile } from './jsonl-file.js';
import { assertContinues, storeClosed, type AuditStore } from './store.js';

export interface FileAuditStoreOptions {
  /** Folder of the log: `events.jsonl`, `checkpoints.jsonl` and `LOCK`. Created (mode 0700) when missing. */
  directory: string;
}

/**
 * An {@link AuditStore} in a folder: `events.jsonl` holds one canonical record per line, exactly
 * the bytes that were hashed, and `checkpoints.jsonl` the signed checkpoints. Each batch is one
 * write and one fdatasync, so a record is on disk before `append` resolves.
 *
 * Opening reads both files: a line torn by a crash (no final newline; never acknowledged) is cut
 * off, any other damaged line is `AUDIT_CORRUPT` naming it. A `LOCK` file keeps a second process,
 * or a second store in this process, from opening the folder (see `lockDirectory` for its limits).
 *
 * @throws SignetError `AUDIT_UNAVAILABLE` when the folder is open elsewhere, `AUDIT_CORRUPT`,
 * `IO_ERROR`.
 * @example
 * ```ts
 * const store = await createFileAuditStore({ directory: '/var/lib/signet/audit' });
 * const log = await createAuditLog({ store, origin: 'signet.example.com/audit' });
 * ```
 */
export async function createFileAuditStore(options: FileAuditStoreOptions): Promise<AuditStore> {
  const { directory } = options;
  const created = await mkdir(directory, { recursive: true, mode: 0o700 }).catch((cause: unknown) => {
    throw new SignetError('IO_ERROR', `${directory}: cannot be created`, { cause, details: { path: directory } });
  });
  if (created !== undefined) await syncDirectory(dirname(created)); // the new folder's name is durable too
  const unlock = await lockDirectory(directory).catch((cause: unknown) => {
    if (isSignetError(cause)) throw cause;
    throw new SignetError('IO_ERROR', `${directory}: cannot be locked`, { cause, details: { path: directory } });
  });
  const saved: SignedCheckpoint[] = [];
  let eventFile: JsonlFile | undefined;
  let checkpointFile: JsonlFile;
  try {
    eventFile = await openJsonl(join(directory, 'events.jsonl'), (line, index) => {
      const record = parseRecord(line);
      if (record.index !== index) throw new Error(`it has index ${record.index}`);
    });
    checkpointFile = await openJsonl(join(directory, 'checkpoints.jsonl'), (line) => {
      saved.push(parseCheckpoint(JSON.parse(line)));
    });
  } catch (error) {
    await eventFile?.close();
    await unlock();
    throw error;
  }
  const events = eventFile;

  // Writes go one at a time, in call order; a failed one does not stop the next.
  let writing: Promise<unknown> = Promise.resolve();
  let closed = false;
  function serially<T>(work: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(storeClosed());
    const next = writing.then(work);
    writing = next.catch(() => undefined);
    return next;
  }
  function assertOpen(): void {
    if (closed) throw storeClosed();
  }

  return {
    append: (records) =>
      serially(async () => {
        assertContinues(records, events.lines);
        await events.append(records.map((r) => r.json));
      }),
    async size() {
      assertOpen();
      return events.lines;
    },
    async read(from, to) {
      assertOpen();
      const lines = await events.read(from, Math.min(to, events.lines));
      return lines.map((json) => ({ record: parseRecord(json), json }));
    },
    appendCheckpoint: (checkpoint) =>
      serially(async () => {
        await checkpointFile.append([JSON.stringify(checkpoint)]);
        saved.push(checkpoint);
      }),
    async checkpoints() {
      assertOpen();
      return [...saved];
    },
    async close() {
      if (closed) return;
      closed = true;
      await writing;
      await Promise.all([events.close(), checkpointFile.close()]);
      await unlock();
    },
  };
}
