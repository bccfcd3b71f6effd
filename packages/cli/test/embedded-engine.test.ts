import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sandbox, snapshot, type Sandbox } from './helpers/cli.js';

const events = async (box: Sandbox) =>
  (await readFile(join(box.home, 'audit', 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });

/** `signet sign` runs the same engine as the server: policy first, audit log before the signature. */
describe('signet sign through the embedded engine', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox();
    await writeFile(join(box.cwd, 'app.jar'), 'pretend jar\n');
    await writeFile(join(box.cwd, 'tool.sh'), 'echo hi\n');
    await writeFile(join(box.cwd, 'lib.jar'), 'another jar\n');
    expect((await box.cli(['keys', 'create', 'release'])).code).toBe(0);
  });

  it('records one decision and a signature per file in the audit log, in one request', async () => {
    expect((await box.cli(['sign', 'app.jar', 'lib.jar', '--key', 'release', '--format', 'raw'])).code).toBe(0);
    const log = await events(box);
    expect(log.map((e) => e.type)).toEqual(['key', 'policy', 'decision', 'signature', 'signature']);
    expect(log[0]!.data).toMatchObject({ action: 'create', key: 'soft://release', spec: 'ec-p256' });
    expect(log[1]!.data).toMatchObject({ action: 'in-force', revision: 'builtin-local-1' });
    expect(log[2]!.data).toMatchObject({ effect: 'allow', rule: 'local-user', policyVersion: 'builtin-local-1' });
    expect(log.slice(3).map((e) => (e.data.artifact as { name: string }).name)).toEqual(['app.jar', 'lib.jar']);
  });

  describe('with a policy that refuses shell scripts', () => {
    beforeAll(async () => {
      await writeFile(
        join(box.home, 'policy.yaml'),
        [
          'version: 1',
          'revision: "no-scripts-1"',
          'roles:',
          '  - role: builder',
          '    members: [{ local: "*" }]',
          'rules:',
          '  - name: builds',
          '    allow: { roles: [builder], artifacts: ["*.jar"] }',
          '  - name: no-scripts',
          '    deny: { artifacts: ["*.sh"] }',
        ].join('\n'),
      );
    });

    it('records the new policy in the audit log once, when it comes into force', async () => {
      await box.cli(['sign', 'app.jar', '--key', 'release', '--format', 'raw', '--force']);
      await box.cli(['sign', 'app.jar', '--key', 'release', '--format', 'raw', '--force']);
      const policies = (await events(box)).filter((e) => e.type === 'policy');
      expect(policies.map((e) => e.data.revision)).toEqual(['builtin-local-1', 'no-scripts-1']);
    });

    it('refuses with exit 8, writes no signature, and audits the refusal', async () => {
      const before = await snapshot(box.cwd);
      const result = await box.cli(['sign', 'tool.sh', '--key', 'release', '--format', 'raw']);
      expect(result.code).toBe(8);
      expect(result.stderr).toMatch(/^signet: /);
      expect(await snapshot(box.cwd)).toEqual(before);
      const last = (await events(box)).at(-1)!;
      expect(last).toMatchObject({ type: 'decision', data: { effect: 'deny', policyVersion: 'no-scripts-1' } });
    });

    it('still signs what the policy allows', async () => {
      const result = await box.cli(['sign', 'app.jar', '--key', 'release', '--format', 'raw', '--force', '--json']);
      expect(result.code).toBe(0);
    });

    it('refuses an invalid policy file with exit 7 and names the line', async () => {
      await writeFile(
        join(box.home, 'bad.yaml'),
        'version: 1\nrevision: "x"\nrules:\n  - name: r\n    allow: { rolez: [a] }\n',
      );
      const result = await box.cli(['sign', 'app.jar', '--key', 'release', '--format', 'raw', '--force'], {
        env: { SIGNET_POLICY: join(box.home, 'bad.yaml') },
      });
      expect(result.code, result.stderr).toBe(7);
      expect(result.stderr).toContain('bad.yaml:5');
    });
  });
});
