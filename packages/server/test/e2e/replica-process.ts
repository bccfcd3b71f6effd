import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const SERVER = join(import.meta.dirname, '../../dist/signet-server.js');

/** One `signet-server` process of a replica set. */
export interface ReplicaProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Everything it wrote to stderr before it listened (and a little after: the admin token). */
  readonly banner: string;
}

/**
 * Starts the built `signet-server` with `env` on `port` (0: a free one) and resolves once it listens.
 * Rejects when it exits first or does not listen within `timeoutMs`.
 */
export async function startReplica(env: Record<string, string>, port = 0, timeoutMs = 20_000): Promise<ReplicaProcess> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, ...env, SIGNET_LISTEN: `127.0.0.1:${port}`, SIGNET_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let banner = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`signet-server did not listen within ${timeoutMs} ms: ${banner}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`signet-server exited (${code ?? signal}) before listening: ${banner}`));
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(banner);
      if (!match) return;
      clearTimeout(timer);
      // The admin token, when this start made one, follows the listening line in the same write.
      setTimeout(() => resolve({ child, url: match[1]!, port: Number(new URL(match[1]!).port), banner }), 100);
    });
  });
}

/** `kill -9`, resolved once the process is gone. */
export async function killHard(replica: ReplicaProcess): Promise<void> {
  if (replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  const exited = new Promise((resolve) => replica.child.once('exit', resolve));
  replica.child.kill('SIGKILL');
  await exited;
}
