import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { run } from '../../src/run.js';

export const PASSPHRASE = 'correct horse battery staple';

/** Cheap scrypt for tests; the production cost is the SDK's to test. */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

/** A stream that keeps what is written, optionally posing as a terminal. */
export class Capture {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary world: a working folder and a SIGNET_HOME whose key store exists (cheap scrypt). */
export interface Sandbox {
  readonly root: string;
  readonly cwd: string;
  readonly home: string;
  readonly keystore: string;
  readonly env: Record<string, string>;
  /** Runs `signet` in-process. */
  cli(args: string[], options?: { env?: Record<string, string | undefined>; stderr?: Capture }): Promise<CliResult>;
  /** Runs the built binary `node dist/signet.js`. */
  bin(args: string[], options?: { env?: Record<string, string | undefined> }): Promise<CliResult>;
}

/** Sandboxes of the current test file, removed after it (hooks cannot be added from inside a hook). */
const roots: string[] = [];
afterAll(() => Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true }))));

export async function sandbox(options: { createStore?: boolean } = {}): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'signet-cli-'));
  roots.push(root);
  const cwd = join(root, 'work');
  const home = join(root, 'home');
  const keystore = join(home, 'keys');
  await mkdir(cwd, { recursive: true });
  if (options.createStore !== false) {
    const store = await createSoftKeyProvider({
      directory: keystore,
      secret: { passphrase: PASSPHRASE },
      scryptCost: TEST_SCRYPT,
    });
    await store.close();
  }
  const env: Record<string, string> = {
    HOME: join(root, 'user'),
    SIGNET_HOME: home,
    SIGNET_PASSPHRASE: PASSPHRASE,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
  const merge = (extra: Record<string, string | undefined> = {}): Record<string, string> => {
    const merged: Record<string, string | undefined> = { ...env, ...extra };
    return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
  };
  return {
    root,
    cwd,
    home,
    keystore,
    env,
    async cli(args, opts = {}) {
      const stdout = new Capture();
      const stderr = opts.stderr ?? new Capture();
      const code = await run(args, { env: merge(opts.env), stdout, stderr, cwd });
      return { code, stdout: stdout.text, stderr: stderr.text };
    },
    bin: (args, opts = {}) => runBin(args, { cwd, env: merge(opts.env) }),
  };
}

export const BIN = join(import.meta.dirname, '..', '..', 'dist', 'signet.js');

function runBin(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const exec = promisify(execFile);

/** Runs a real tool (openssl, sha256sum); never throws on a non-zero exit. */
export async function tool(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, maxBuffer: 16 << 20 });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Path → SHA-256 of every file under `dir`: compare two to prove nothing changed on disk. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry);
    if ((await stat(path)).isFile())
      out[entry] = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
  }
  return out;
}

/** Parses a `--json` stdout, failing loudly when it is not exactly one document. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  return JSON.parse(result.stdout) as T;
}
