import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, sandbox, snapshot, tool, type Sandbox } from './helpers/cli.js';

/** A JAR as the JDK's `jar` builds it, with nested folders. */
async function buildJar(box: Sandbox, name: string): Promise<void> {
  const classes = join(box.cwd, `${name}-classes`);
  await mkdir(join(classes, 'com/acme/app'), { recursive: true });
  await writeFile(join(classes, 'com/acme/app/Main.class'), 'pretend bytecode\n');
  await writeFile(join(classes, 'com/acme/app/messages.properties'), 'hello=world\n');
  const built = await tool('jar', ['cf', name, '-C', classes, '.'], box.cwd);
  expect(built.ok, built.stderr).toBe(true);
}

describe('signet sign and verify on JARs', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox();
    for (const [name, type] of [
      ['release', 'ec-p256'],
      ['legacy', 'rsa-3072'],
    ]) {
      expect((await box.cli(['keys', 'create', name!, '--type', type!])).code).toBe(0);
      expect((await box.cli(['keys', 'cert', name!, '--subject', `CN=Acme ${name}`])).code).toBe(0);
    }
    await buildJar(box, 'app.jar');
    await buildJar(box, 'lib.jar');
  }, 60_000);

  it('detects JARs and signs them in place, and jarsigner verifies each', async () => {
    const signed = await box.cli(['sign', 'app.jar', 'lib.jar', '--key', 'release', '--json']);
    expect(signed.code, signed.stderr).toBe(0);
    expect(json(signed)).toMatchObject({
      format: 'jar',
      signatures: [{ file: 'app.jar', blockFile: 'META-INF/RELEASE.EC' }, {}],
    });
    for (const jar of ['app.jar', 'lib.jar']) {
      const verified = await tool('jarsigner', ['-verify', '-verbose', jar], box.cwd);
      expect(verified.stdout, verified.stderr).toContain('jar verified.');
    }
  });

  it('adds a second signature with an RSA-PSS key to a JAR already signed, into --out, keeping the first', async () => {
    const signed = await box.cli([
      'sign',
      'app.jar',
      '--key',
      'legacy',
      '--algorithm',
      'rsa-pss-sha256',
      '--out',
      'app-2.jar',
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    const listing = await tool('jar', ['tf', 'app-2.jar'], box.cwd);
    expect(listing.stdout).toContain('META-INF/RELEASE.EC');
    expect(listing.stdout).toContain('META-INF/LEGACY.RSA');
    expect((await tool('jarsigner', ['-verify', 'app-2.jar'], box.cwd)).stdout).toContain('jar verified.');
  });

  it('verifies with signet verify, and refuses a JAR whose class changed (exit 5)', async () => {
    const ok = await box.cli(['verify', 'app.jar', '--key', 'release']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK {2}app\.jar {2}2 entries signed by CN=Acme release/);
    // Swap a class inside the signed JAR with the JDK's own tool.
    await mkdir(join(box.cwd, 'patch/com/acme/app'), { recursive: true });
    await writeFile(join(box.cwd, 'patch/com/acme/app/Main.class'), 'patched bytecode\n');
    expect((await tool('jar', ['uf', 'lib.jar', '-C', 'patch', 'com/acme/app/Main.class'], box.cwd)).ok).toBe(true);
    const bad = await box.cli(['verify', 'lib.jar', '--key', 'release', '--json']);
    expect(bad.code).toBe(5);
    expect(json(bad)).toMatchObject({ error: { code: 'VERIFICATION_FAILED' } });
  });

  it('refuses a mix of JARs and other files without --format, changing nothing', async () => {
    await writeFile(join(box.cwd, 'notes.txt'), 'notes\n');
    const before = await snapshot(box.cwd);
    const mixed = await box.cli(['sign', 'app.jar', 'notes.txt', '--key', 'release']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--format');
    expect(await snapshot(box.cwd)).toEqual(before);
    expect(await readFile(join(box.cwd, 'notes.txt'), 'utf8')).toBe('notes\n');
  });
});
