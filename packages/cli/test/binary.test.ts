import { execFile } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, json, sandbox, tool, type Sandbox } from './helpers/cli.js';

const PACKAGE = join(import.meta.dirname, '..');

/** Builds dist/signet.js when it is missing or older than a source file (`pnpm test` builds first). */
async function ensureBuilt(): Promise<void> {
  const built = await stat(BIN).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = await readdir(join(PACKAGE, 'src'), { recursive: true });
  const newest = Math.max(
    ...(await Promise.all(sources.map(async (f) => (await stat(join(PACKAGE, 'src', f))).mtimeMs))),
  );
  if (newest > built) await promisify(execFile)('npx', ['tsup', '--silent'], { cwd: PACKAGE });
}

/** The CLI as users run it: `node dist/signet.js`, built from this tree first. */
describe('the signet binary', () => {
  let box: Sandbox;

  beforeAll(async () => {
    await ensureBuilt();
    box = await sandbox();
    await writeFile(join(box.cwd, 'app.tgz'), 'pretend tarball\n');
  }, 120_000);

  it('prints its version', async () => {
    const result = await box.bin(['--version']);
    expect(result).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('documents every exit status in --help', async () => {
    const { stdout, code } = await box.bin(['--help']);
    expect(code).toBe(0);
    for (const status of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) expect(stdout).toMatch(new RegExp(`^ +${status}  \\S`, 'm'));
    expect(stdout).toContain('SIGNET_PASSPHRASE');
  });

  it('shows examples in each command help', async () => {
    for (const command of [['keys'], ['keys', 'create'], ['keys', 'cert'], ['sign'], ['verify'], ['digest']]) {
      expect((await box.bin([...command, '--help'])).stdout).toContain('Examples:');
    }
  });

  it('creates a key, signs and verifies, and openssl agrees', async () => {
    expect((await box.bin(['keys', 'create', 'release'])).stdout).toBe('soft://release\n');
    expect((await box.bin(['keys', 'cert', 'release', '--out', 'release.pem'])).code).toBe(0);
    expect((await box.bin(['sign', 'app.tgz', '--key', 'soft://release'])).code).toBe(0);
    const verified = await box.bin(['verify', 'app.tgz', '--cert', 'release.pem', '--json']);
    expect(verified.code).toBe(0);
    expect(json(verified)).toMatchObject({ valid: true, trusted: true });
    const openssl = await tool(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        'app.tgz.p7s',
        '-content',
        'app.tgz',
        '-CAfile',
        'release.pem',
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ],
      box.cwd,
    );
    expect(openssl.ok, openssl.stderr).toBe(true);
  });

  it('exits 5 on a tampered file', async () => {
    await writeFile(join(box.cwd, 'app.tgz'), 'pretend tarball, changed\n');
    expect((await box.bin(['verify', 'app.tgz', '--cert', 'release.pem'])).code).toBe(5);
  });

  it('exits 2 on a usage error with one line and no stack', async () => {
    const result = await box.bin(['sign', 'app.tgz', '--key', 'release', '--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^signet: unknown option '--frobnicate'/);
  });

  it('prints a stack trace only with SIGNET_DEBUG=1', async () => {
    const plain = await box.bin(['keys', 'show', 'soft://ghost']);
    expect(plain.code).toBe(3);
    expect(plain.stderr).not.toContain('    at ');
    const debug = await box.bin(['keys', 'show', 'soft://ghost'], { env: { SIGNET_DEBUG: '1' } });
    expect(debug.code).toBe(3);
    expect(debug.stderr).toContain('    at ');
  });

  it('exits 4 on a wrong passphrase', async () => {
    expect((await box.bin(['keys', 'list'], { env: { SIGNET_PASSPHRASE: 'nope' } })).code).toBe(4);
  });
});
