import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, sandbox, type Sandbox } from './helpers/cli.js';

const run = promisify(execFile);

/** Runs gpg or sq; never throws on a non-zero exit. */
async function tool(file: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env: { ...process.env, ...env } });
    return { ok: true, out: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

describe('OpenPGP through the CLI: keys export-pgp and sign --format pgp', () => {
  let box: Sandbox;
  let gpg: (args: string[]) => ReturnType<typeof tool>;

  beforeAll(async () => {
    box = await sandbox();
    expect((await box.cli(['keys', 'create', 'release'])).code).toBe(0);
    expect((await box.cli(['keys', 'create', 'legacy', '--type', 'rsa-3072'])).code).toBe(0);
    const home = join(box.root, 'gnupg');
    await mkdir(home, { mode: 0o700 });
    gpg = (args) => tool('gpg', ['--batch', '--no-tty', '--status-fd', '1', ...args], box.cwd, { GNUPGHOME: home });
    await writeFile(join(box.cwd, 'app.jar'), 'pretend jar\n');
    await writeFile(join(box.cwd, 'app.pom'), '<project/>\n');
  });

  for (const key of ['release', 'legacy']) {
    it(`exports ${key} for gpg and sq, signs two files in one call, and both tools verify; a changed file fails`, async () => {
      const exported = await box.cli([
        'keys',
        'export-pgp',
        key,
        '-u',
        `Acme ${key} <${key}@acme.example>`,
        '-o',
        `${key}.asc`,
        '--json',
      ]);
      expect(exported.code, exported.stderr).toBe(0);
      const { fingerprint } = json<{ fingerprint: string }>(exported);
      const imported = await gpg(['--import', `${key}.asc`]);
      expect(imported.out).toContain(`IMPORT_OK`);
      expect(imported.out).toContain(fingerprint);

      const signed = await box.cli(['sign', 'app.jar', 'app.pom', '--key', key, '--format', 'pgp', '--force']);
      expect(signed.code, signed.stderr).toBe(0);
      for (const file of ['app.jar', 'app.pom']) {
        const verified = await gpg(['--trust-model', 'always', '--verify', `${file}.asc`, file]);
        expect(verified.out).toContain(`VALIDSIG ${fingerprint}`);
        const sq = await tool(
          'sq',
          ['verify', '--signer-cert', `${key}.asc`, '--detached', `${file}.asc`, file],
          box.cwd,
        );
        expect(sq.ok, sq.out).toBe(true);
      }
      await writeFile(join(box.cwd, 'changed.pom'), '<project>changed</project>\n');
      const bad = await gpg(['--trust-model', 'always', '--verify', 'app.pom.asc', 'changed.pom']);
      expect(bad.out).toContain('BADSIG');
    });
  }

  it('records each file in the audit log, as one decision for the call', async () => {
    const events = (await readFile(join(box.home, 'audit', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: { artifact?: { name: string }; format?: string } });
    const last = events.slice(-3);
    expect(last.map((e) => e.type)).toEqual(['decision', 'signature', 'signature']);
    expect(
      last
        .slice(1)
        .map((e) => e.data.artifact?.name)
        .sort(),
    ).toEqual(['app.jar', 'app.pom']);
  });

  it('refuses RSA-PSS for OpenPGP with a clear error, signing nothing', async () => {
    const result = await box.cli([
      'sign',
      'app.pom',
      '--key',
      'legacy',
      '--format',
      'pgp',
      '--algorithm',
      'rsa-pss-sha256',
      '--force',
      '--json',
    ]);
    expect(result.code).toBe(2);
    expect(json(result)).toMatchObject({ error: { code: 'UNSUPPORTED_ALGORITHM' } });
  });
});
