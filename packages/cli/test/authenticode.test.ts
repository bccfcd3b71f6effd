import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, sandbox, tool, type Sandbox } from './helpers/cli.js';

describe('signet sign on Windows executables (Authenticode)', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox();
    for (const [name, type] of [
      ['release', 'ec-p256'],
      ['legacy', 'rsa-2048'],
    ]) {
      expect((await box.cli(['keys', 'create', name!, '--type', type!])).code).toBe(0);
      const cert = await box.cli(['keys', 'cert', name!, '--subject', `CN=Acme ${name}`, '--out', `${name}.pem`]);
      expect(cert.code, cert.stderr).toBe(0);
    }
    await writeFile(join(box.cwd, 'hello.c'), 'int main(void) { return 0; }\n');
    for (const [compiler, exe] of [
      ['i686-w64-mingw32-gcc', 'hello32.exe'],
      ['x86_64-w64-mingw32-gcc', 'hello64.exe'],
    ]) {
      const built = await tool(compiler!, ['-O2', '-o', exe!, 'hello.c'], box.cwd);
      expect(built.ok, built.stderr).toBe(true);
    }
  }, 60_000);

  it('detects PE files, signs them in place, and osslsigncode verifies each', async () => {
    const signed = await box.cli(['sign', 'hello32.exe', 'hello64.exe', '--key', 'release', '--json']);
    expect(signed.code, signed.stderr).toBe(0);
    expect(json(signed)).toMatchObject({
      format: 'authenticode',
      signatures: [{ kind: 'PE32' }, { kind: 'PE32+' }],
    });
    for (const exe of ['hello32.exe', 'hello64.exe']) {
      const verified = await tool('osslsigncode', ['verify', '-in', exe, '-CAfile', 'release.pem'], box.cwd);
      expect(verified.stdout, verified.stderr).toContain('Signature verification: ok');
    }
  });

  it('adds a nested RSA signature with --nested, keeping the first', async () => {
    const signed = await box.cli(['sign', 'hello64.exe', '--key', 'legacy', '--nested']);
    expect(signed.code, signed.stderr).toBe(0);
    await writeFile(
      join(box.cwd, 'both.pem'),
      (await readFile(join(box.cwd, 'release.pem'), 'utf8')) + (await readFile(join(box.cwd, 'legacy.pem'), 'utf8')),
    );
    const verified = await tool('osslsigncode', ['verify', '-in', 'hello64.exe', '-CAfile', 'both.pem'], box.cwd);
    expect(verified.stdout).toContain('Number of verified signatures: 2');
  });

  it('refuses a file that is not a PE with a clear error, leaving it as it was', async () => {
    await writeFile(join(box.cwd, 'fake.exe'), 'not a program\n');
    const refused = await box.cli(['sign', 'fake.exe', '--key', 'release', '--json']);
    expect(refused.code).not.toBe(0);
    expect(json(refused)).toMatchObject({ error: { code: 'INVALID_FORMAT' } });
    expect(await readFile(join(box.cwd, 'fake.exe'), 'utf8')).toBe('not a program\n');
  });
});
