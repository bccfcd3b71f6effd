import { createHash } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Capture, json, sandbox, tool, type Sandbox } from './helpers/cli.js';

describe('signet digest', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox({ createStore: false });
    await writeFile(join(box.cwd, 'a.txt'), 'hello\n');
    await writeFile(join(box.cwd, 'b c.txt'), 'world\n');
  });

  it('prints sha256sum lines', async () => {
    const result = await box.cli(['digest', 'a.txt', 'b c.txt']);
    const expected = await tool('sha256sum', ['a.txt', 'b c.txt'], box.cwd);
    expect(result).toEqual({ code: 0, stdout: expected.stdout, stderr: '' });
  });

  it('writes lines that sha256sum -c accepts', async () => {
    await writeFile(join(box.cwd, 'SUMS'), (await box.cli(['digest', 'a.txt', 'b c.txt'])).stdout);
    const check = await tool('sha256sum', ['-c', 'SUMS'], box.cwd);
    expect(check.ok).toBe(true);
  });

  it('computes sha512 with --algorithm, like sha512sum', async () => {
    const result = await box.cli(['digest', '--algorithm', 'sha512', 'a.txt']);
    expect(result.stdout).toBe((await tool('sha512sum', ['a.txt'], box.cwd)).stdout);
  });

  it('escapes a name with a backslash the way coreutils does', async () => {
    await writeFile(join(box.cwd, 'back\\slash'), 'x');
    const result = await box.cli(['digest', 'back\\slash']);
    expect(result.stdout).toBe((await tool('sha256sum', ['back\\slash'], box.cwd)).stdout);
  });

  it('prints one JSON document with --json', async () => {
    const result = json(await box.cli(['digest', 'a.txt', '--json']));
    expect(result).toEqual({
      algorithm: 'sha256',
      files: [{ file: 'a.txt', size: 6, digest: createHash('sha256').update('hello\n').digest('hex') }],
    });
  });

  it('answers a missing file with exit 3 and prints no digest', async () => {
    const result = await box.cli(['digest', 'a.txt', 'missing.txt']);
    expect(result).toEqual({ code: 3, stdout: '', stderr: 'signet: missing.txt: no such file (IO_ERROR)\n' });
  });

  it('refuses an unknown hash as a usage error', async () => {
    expect((await box.cli(['digest', '--algorithm', 'md5', 'a.txt'])).code).toBe(2);
  });

  describe('on a file larger than 64 MiB', () => {
    beforeAll(async () => {
      const handle = await open(join(box.cwd, 'big.bin'), 'w');
      await handle.truncate(65 * 1024 * 1024); // sparse: cheap to make, real bytes to hash
      await handle.close();
    });

    it('draws a progress bar on a terminal stderr and clears it, leaving stdout clean', async () => {
      const stderr = new Capture(true, 80);
      const result = await box.cli(['digest', 'big.bin'], { stderr });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^[0-9a-f]{64} {2}big\.bin\n$/);
      expect(stderr.text).toMatch(/^\rhashing {2}\[[#.]+\] +\d+% {2}[\d.]+ [KMG]?i?B \/ 65 MiB/);
      expect(stderr.text.endsWith('\r\x1b[2K')).toBe(true);
    });

    it('draws nothing with --no-progress, --quiet, or when stderr is not a terminal', async () => {
      for (const args of [['--no-progress'], ['--quiet']]) {
        const stderr = new Capture(true);
        await box.cli(['digest', 'big.bin', ...args], { stderr });
        expect(stderr.text).toBe('');
      }
      expect((await box.cli(['digest', 'big.bin'])).stderr).toBe('');
    });
  });
});
