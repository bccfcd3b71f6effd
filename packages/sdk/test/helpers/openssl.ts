import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CommandResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs the real `openssl` command line; never throws on a non-zero exit. */
export async function openssl(args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run('openssl', args, { maxBuffer: 16 << 20 });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
