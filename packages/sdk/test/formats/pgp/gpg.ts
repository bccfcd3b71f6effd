import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CommandResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a command; never throws on a non-zero exit. */
export async function command(file: string, args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, { maxBuffer: 16 << 20, env: { ...process.env, ...env } });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** gpg with a throwaway GNUPGHOME under `dir` (the caller's temp dir), in batch mode. */
export async function gpgHome(dir: string): Promise<(args: string[]) => Promise<CommandResult>> {
  const home = join(dir, 'gnupg');
  await mkdir(home, { recursive: true, mode: 0o700 });
  return (args) => command('gpg', ['--batch', '--no-tty', '--status-fd', '1', ...args], { GNUPGHOME: home });
}

/** `sq verify --signer-cert key --detached sig file`. */
export function sqVerify(key: string, sig: string, file: string): Promise<CommandResult> {
  return command('sq', ['verify', '--signer-cert', key, '--detached', sig, file]);
}
