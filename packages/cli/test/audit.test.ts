import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from '@signet/sdk';
import { canonicalJson, createAuditLog, createMemoryAuditStore, type AuditRecord } from '@signet/sdk/audit';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { toPem } from '@signet/sdk/x509';
import { json, PASSPHRASE, sandbox, TEST_SCRYPT, type Sandbox } from './helpers/cli.js';

const ARGS = [
  'audit',
  'verify',
  '--log',
  'events.jsonl',
  '--checkpoint',
  'checkpoint.json',
  '--public-key',
  'audit.pub.pem',
];

describe('signet audit verify', () => {
  let box: Sandbox;
  let lines: string[];
  let rootHash: string;
  const file = (name: string): string => join(box.cwd, name);

  beforeAll(async () => {
    box = await sandbox();
    const keys = await createSoftKeyProvider({
      directory: join(box.root, 'audit-keys'),
      secret: { passphrase: PASSPHRASE },
      scryptCost: TEST_SCRYPT,
    });
    const key = await keys.generateKey({ name: 'audit', spec: 'ec-p256' });
    const stranger = await keys.generateKey({ name: 'stranger', spec: 'ec-p256' });
    const log = await createAuditLog({
      store: createMemoryAuditStore(),
      origin: 'signet.test/audit',
      checkpointSigner: await createSigner(keys, key.uri),
    });
    await log.append(
      Array.from({ length: 30 }, (_, i) => ({
        type: 'signature' as const,
        actor: 'local|ci',
        data: { key: 'soft://release', artifact: `app-${i}.tgz` },
      })),
    );
    const checkpoint = await log.checkpoint();
    rootHash = checkpoint.rootHash;
    lines = [];
    for await (const line of log.export()) lines.push(line);
    await log.close();
    await keys.close();
    await writeFile(file('events.jsonl'), lines.join(''));
    await writeFile(file('checkpoint.json'), JSON.stringify(checkpoint, null, 2));
    await writeFile(file('audit.pub.pem'), toPem('PUBLIC KEY', key.publicKey));
    await writeFile(file('stranger.pub.pem'), toPem('PUBLIC KEY', stranger.publicKey));
  });

  it('says OK in one line and exits 0 for an intact log', async () => {
    expect(await box.cli(ARGS)).toEqual({
      code: 0,
      stdout: `OK  audit log verified: 30 events, root ${rootHash}\n`,
      stderr: '',
    });
  });

  it('prints one JSON document with --json', async () => {
    const result = await box.cli([...ARGS, '--json']);
    expect(result.code).toBe(0);
    expect(json(result)).toEqual({
      log: 'events.jsonl',
      checkpoint: 'checkpoint.json',
      valid: true,
      origin: 'signet.test/audit',
      treeSize: 30,
      rootHash,
      events: 30,
      time: expect.any(String),
    });
  });

  describe('for a tampered log', () => {
    beforeAll(async () => {
      const record = JSON.parse(lines[12]!) as AuditRecord;
      const tampered = [...lines];
      tampered[12] = `${canonicalJson({ ...record, data: { ...record.data, key: 'soft://evil' } })}\n`;
      await writeFile(file('tampered.jsonl'), tampered.join(''));
      await writeFile(file('cut.jsonl'), lines.slice(0, 20).join(''));
    });

    it('names the first bad event in one line and exits 5', async () => {
      const result = await box.cli([...ARGS.slice(0, 2), '--log', 'tampered.jsonl', ...ARGS.slice(4)]);
      expect(result.code).toBe(5);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^signet: audit log event #12 was modified \(.+\) \(VERIFICATION_FAILED\)\n$/);
    });

    it('says where a cut log ends', async () => {
      const result = await box.cli([...ARGS.slice(0, 2), '--log', 'cut.jsonl', ...ARGS.slice(4), '--json']);
      expect(result.code).toBe(5);
      expect(json(result)).toEqual({
        error: {
          code: 'VERIFICATION_FAILED',
          message: expect.stringContaining('#20'),
          details: { problem: 'truncated', firstBadIndex: 20 },
        },
      });
    });

    it('fails against another key (exit 5)', async () => {
      const result = await box.cli([...ARGS.slice(0, -1), 'stranger.pub.pem']);
      expect(result.code).toBe(5);
      expect(result.stderr).toContain('checkpoint signature');
    });
  });

  describe('with bad input', () => {
    it('refuses a checkpoint file that is not JSON (exit 7)', async () => {
      await writeFile(file('garbage.json'), 'not json');
      const result = await box.cli([...ARGS.slice(0, 5), 'garbage.json', ...ARGS.slice(6)]);
      expect(result.code).toBe(7);
      expect(result.stderr).toContain('garbage.json is not JSON');
    });

    it('names a missing file (exit 3)', async () => {
      const result = await box.cli([...ARGS.slice(0, 2), '--log', 'nope.jsonl', ...ARGS.slice(4)]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('nope.jsonl');
    });

    it('asks for the options it needs (exit 2)', async () => {
      const noKey = await box.cli(['audit', 'verify', '--log', 'events.jsonl']);
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toContain('--public-key');
      const noCheckpoint = await box.cli(['audit', 'verify', '--log', 'events.jsonl', '--public-key', 'audit.pub.pem']);
      expect(noCheckpoint.code).toBe(2);
      expect(noCheckpoint.stderr).toContain('--checkpoint');
    });
  });
});

describe('the local audit log', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox();
    await writeFile(join(box.cwd, 'app.bin'), 'app\n');
    for (const name of ['release', 'audit']) expect((await box.cli(['keys', 'create', name])).code).toBe(0);
    expect((await box.cli(['sign', 'app.bin', '--key', 'release', '--format', 'raw'])).code).toBe(0);
  });

  it('exports, checkpoints with an audit key, and verifies what signet sign recorded', async () => {
    expect((await box.cli(['audit', 'checkpoint', '--key', 'soft://audit', '--out', 'checkpoint.json'])).code).toBe(0);
    const pub = await box.cli(['keys', 'show', 'soft://audit', '--public-key']);
    await writeFile(join(box.cwd, 'audit.pub.pem'), pub.stdout);
    const exported = await box.cli(['audit', 'export', '--out', 'events.jsonl', '--json']);
    expect(json(exported)).toMatchObject({ events: 5 });
    const verified = await box.cli([...ARGS, '--json']);
    expect(verified.code).toBe(0);
    expect(json(verified)).toMatchObject({ valid: true, treeSize: 5 });
  });

  it('prints the log as JSON lines on standard output', async () => {
    const result = await box.cli(['audit', 'export']);
    const types = result.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as AuditRecord).type);
    // Two keys created, the policy put in force by the first signing, its decision and signature.
    expect(types).toEqual(['key', 'key', 'policy', 'decision', 'signature']);
  });
});
