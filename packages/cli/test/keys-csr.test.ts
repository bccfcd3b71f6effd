import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, sandbox, snapshot, tool, type Sandbox } from './helpers/cli.js';

/** The audit log's events, oldest first (the embedded log is JSON lines under $SIGNET_HOME/audit). */
const auditEvents = async (box: Sandbox) =>
  (await readFile(join(box.home, 'audit', 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });

describe('signet keys csr', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox();
    expect((await box.cli(['keys', 'create', 'release'])).code).toBe(0);
    expect((await box.cli(['keys', 'create', 'legacy', '--type', 'rsa-3072'])).code).toBe(0);
  });

  it('writes a request openssl verifies, with the subject asked for', async () => {
    const result = await box.cli([
      'keys',
      'csr',
      'release',
      '--subject',
      'CN=Acme Release, O=Acme, C=DE',
      '-o',
      'r.csr',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('r.csr');
    const check = await tool('openssl', ['req', '-in', 'r.csr', '-verify', '-noout', '-subject'], box.cwd);
    expect(check.stderr + check.stdout).toContain('self-signature verify OK');
    expect(check.stdout).toMatch(/C ?= ?DE, O ?= ?Acme, CN ?= ?Acme Release/);
  });

  it('prints the PEM on stdout without --out, and signs with another algorithm on request', async () => {
    const result = await box.cli(['keys', 'csr', 'soft://legacy', '--algorithm', 'rsa-pss-sha256']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+-----END CERTIFICATE REQUEST-----\n$/);
    await writeFile(join(box.cwd, 'pss.csr'), result.stdout);
    const check = await tool('openssl', ['req', '-in', 'pss.csr', '-verify', '-noout', '-text'], box.cwd);
    expect(check.stderr + check.stdout).toContain('self-signature verify OK');
    expect(check.stdout).toContain('rsassaPss');
  });

  it('goes through the engine: the decision and the signature are in the audit log, format csr', async () => {
    await box.cli(['keys', 'csr', 'release', '-o', 'audited.csr']);
    const events = await auditEvents(box);
    const last = events.slice(-2);
    expect(last.map((e) => e.type)).toEqual(['decision', 'signature']);
    expect(last[1]!.data).toMatchObject({ key: 'soft://release', artifact: { name: 'release.csr' } });
  });

  it('describes the request in --json', async () => {
    const result = await box.cli(['keys', 'csr', 'release', '--json']);
    expect(json(result)).toMatchObject({
      uri: 'soft://release',
      algorithm: 'ecdsa-p256-sha256',
      subject: { commonName: 'release' },
      request: expect.stringContaining('BEGIN CERTIFICATE REQUEST'),
    });
  });

  it('refuses an unknown key with exit 3, and a bad subject as a usage error, writing nothing', async () => {
    const before = await snapshot(box.root);
    expect((await box.cli(['keys', 'csr', 'missing', '-o', 'x.csr'])).code).toBe(3);
    expect((await box.cli(['keys', 'csr', 'release', '--subject', 'XX=nonsense', '-o', 'x.csr'])).code).toBe(2);
    expect(await snapshot(box.root)).toEqual(before);
  });

  it('keeps an existing --out file unless --force', async () => {
    const before = await readFile(join(box.cwd, 'r.csr'), 'utf8');
    expect((await box.cli(['keys', 'csr', 'release', '-o', 'r.csr'])).code).toBe(2);
    expect(await readFile(join(box.cwd, 'r.csr'), 'utf8')).toBe(before);
    expect((await box.cli(['keys', 'csr', 'release', '-o', 'r.csr', '--force'])).code).toBe(0);
  });
});
