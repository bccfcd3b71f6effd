import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';

/** The built server binary (`pnpm -r --filter './packages/*' build` makes it). */
export const SERVER_BIN = join(import.meta.dirname, '..', '..', '..', 'server', 'dist', 'signet-server.js');

/** A `signet-server` process on a loopback port, with the admin token its first start printed. */
export interface LiveServer {
  readonly url: string;
  readonly adminToken: string;
  /** Calls the HTTP API directly (setup the CLI has no command for: tokens, policy, jobs). */
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/**
 * Starts the built server on a fresh SQLite data folder and reads its URL and bootstrap token
 * from stderr, as a person starting it would.
 */
export async function startServer(dataDir: string): Promise<LiveServer> {
  await access(SERVER_BIN).catch(() => {
    throw new Error(`${SERVER_BIN} is missing: build the packages first`);
  });
  const child: ChildProcess = spawn(process.execPath, [SERVER_BIN], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      SIGNET_DATA: dataDir,
      SIGNET_LISTEN: '127.0.0.1:0',
      SIGNET_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let banner = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const [url, adminToken] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`signet-server printed no URL and token: ${banner}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
      const token = /^\s+(sgt_\S+)$/m.exec(banner)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve([url, token]);
      }
    });
    void exited.then(() => reject(new Error(`signet-server exited: ${banner}`)));
  });
  return {
    url,
    adminToken,
    async api<T>(method: string, path: string, token: string, body?: unknown) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
