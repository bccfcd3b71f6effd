import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SignetError } from '../errors/errors.js';

/** Lock files this process holds, so a second store in the same process is refused too. */
const held = new Set<string>();

/**
 * Takes `DIRECTORY/LOCK` for this process: one writer per audit folder, since two would fork the
 * chain. The file is created complete and atomically (written aside, then hard-linked: `link`
 * fails when LOCK exists, like O_EXCL) and holds our pid.
 *
 * A lock left by a process that is gone is taken over: its pid is not running, or it is our own
 * pid but we do not hold it (a restarted container is PID 1 again). Limits: a lock whose pid was
 * reused by an unrelated live process blocks until removed by hand; two processes taking over the
 * same stale lock in the same instant can both succeed; the lock is advisory and local (no NFS).
 *
 * @returns a function that releases the lock.
 * @throws SignetError `AUDIT_UNAVAILABLE` when another live process (or store) holds it.
 */
export async function lockDirectory(directory: string): Promise<() => Promise<void>> {
  const path = resolve(join(directory, 'LOCK'));
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, `${process.pid}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(aside, path);
        held.add(path);
        return async () => {
          held.delete(path);
          await unlink(path).catch(() => undefined);
        };
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
      }
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (held.has(path) || isRunning(pid)) {
        const who = pid === process.pid ? 'another audit store of this process' : `process ${pid}`;
        throw new SignetError('AUDIT_UNAVAILABLE', `The audit folder ${directory} is open in ${who} (${path})`, {
          details: { lock: path, pid },
        });
      }
      await unlink(path).catch(() => undefined); // stale: its process is gone
    }
    throw new SignetError('AUDIT_UNAVAILABLE', `Could not take the lock ${path}`, { details: { lock: path } });
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
