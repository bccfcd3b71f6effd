import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, sandbox, type Sandbox } from './helpers/cli.js';

const DOC = join(import.meta.dirname, '..', '..', '..', 'docs', 'policy.md');

/** The policy, the request file and the explain sessions of docs/policy.md: what users read is what runs here. */
async function docBlocks(): Promise<{
  policy: string;
  request: string;
  sessions: { args: string[]; output: string }[];
}> {
  const doc = await readFile(DOC, 'utf8');
  const [policy, request] = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const sessions = [...doc.matchAll(/```console\n\$ signet (policy explain [^\n]*)\n([\s\S]*?)```/g)].map((m) => ({
    args: m[1]!.split(' '),
    output: m[2]!,
  }));
  return { policy: policy!, request: request!, sessions };
}

describe('signet policy', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox();
    const { policy, request } = await docBlocks();
    await writeFile(join(box.cwd, 'policy.yaml'), policy);
    await writeFile(join(box.cwd, 'release.yaml'), request);
    await writeFile(
      join(box.cwd, 'bad.yaml'),
      'version: 1\nrevision: "x"\nrules:\n  - name: r\n    allow: { rolez: [a] }\n  - name: r\n    deny: { keys: [group:none] }\n',
    );
  });

  describe('check', () => {
    it('says OK with the revision and counts', async () => {
      expect(await box.cli(['policy', 'check', 'policy.yaml'])).toEqual({
        code: 0,
        stdout: 'OK  policy policy.yaml (revision 2026-12-01.1): 3 rules, 4 roles\n',
        stderr: '',
      });
    });

    it('prints one JSON document with --json', async () => {
      expect(json(await box.cli(['policy', 'check', 'policy.yaml', '--json']))).toEqual({
        file: 'policy.yaml',
        valid: true,
        revision: '2026-12-01.1',
        rules: 3,
        roles: 4,
        keyGroups: 2,
      });
    });

    it('prints every problem on its own line with file, line and column, and exits 7', async () => {
      const result = await box.cli(['policy', 'check', 'bad.yaml']);
      expect(result.code).toBe(7);
      expect(
        result.stdout
          .trimEnd()
          .split('\n')
          .map((l) => l.split(' ')[0]),
      ).toEqual(['bad.yaml:5:14', 'bad.yaml:6:11', 'bad.yaml:7:20']);
      expect(result.stderr).toBe('signet: bad.yaml is not a valid policy: 3 problems (INVALID_POLICY)\n');
    });

    it('puts every problem in the one JSON error document with --json', async () => {
      const result = await box.cli(['policy', 'check', 'bad.yaml', '--json']);
      expect(result.code).toBe(7);
      const { error } = json<{ error: { code: string; message: string } }>(result);
      expect(error.code).toBe('INVALID_POLICY');
      expect(error.message).toMatch(/bad\.yaml:5:14 .*; bad\.yaml:6:11 .*; bad\.yaml:7:20 /);
    });

    it('exits 3 for a missing file', async () => {
      expect((await box.cli(['policy', 'check', 'missing.yaml'])).code).toBe(3);
    });
  });

  describe('explain', () => {
    const explain = ['policy', 'explain', '--policy', 'policy.yaml', '--request', 'release.yaml'];

    it('prints the verdict first and exits 0 whatever it is', async () => {
      const result = await box.cli(explain);
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe(
        'PENDING  rule prod-release needs 2 more approvals (policy 2026-12-01.1)',
      );
      expect(result.stdout).toContain('Missing approvals');
    });

    it('decides at --at, and exits 8 on a refusal with --exit-code', async () => {
      const saturday = [...explain, '--at', '2026-12-05T10:00:00Z'];
      expect((await box.cli(saturday)).code).toBe(0);
      const result = await box.cli([...saturday, '--exit-code']);
      expect(result.code).toBe(8);
      expect(result.stdout.split('\n')[0]).toMatch(/^DENY +denied by rule no-weekend-prod/);
      expect(result.stderr).toBe('signet: denied by policy 2026-12-01.1 (POLICY_DENIED)\n');
    });

    it('exits 9 while approvals are missing, with --exit-code', async () => {
      expect((await box.cli([...explain, '--exit-code'])).code).toBe(9);
    });

    it('prints the decision as JSON with --json, and refuses --json with --exit-code', async () => {
      const out = json<{ decision: { effect: string; missing: unknown[] }; roles: string[] }>(
        await box.cli([...explain, '--json']),
      );
      expect(out.decision.effect).toBe('pending');
      expect(out.roles).toEqual(['ci-release']);
      expect((await box.cli([...explain, '--json', '--exit-code'])).code).toBe(2);
    });

    it('reads the key certificate from --certificate', async () => {
      expect((await box.cli(['keys', 'create', 'release'])).code).toBe(0);
      expect((await box.cli(['keys', 'cert', 'soft://release', '--subject', 'CN=Example Release'])).code).toBe(0);
      await writeFile(
        join(box.cwd, 'release.pem'),
        (await box.cli(['keys', 'show', 'soft://release', '--certificate'])).stdout,
      );
      const result = await box.cli([...explain, '--certificate', 'release.pem']);
      expect(result.stdout).toMatch(
        /CERTIFICATE_ISSUER +the certificate's issuer CN=Example Release is not CN=Acme Code Signing CA\*/,
      );
    });

    it('prints what docs/policy.md shows', async () => {
      const { sessions } = await docBlocks();
      expect(sessions.length).toBeGreaterThan(0);
      for (const { args, output } of sessions) expect((await box.cli(args)).stdout).toBe(output);
    });

    it.each([
      ['an --at without a zone', ['--at', '2026-12-05T10:00']],
      ['a request file with a wrong field', ['--request', 'policy.yaml']],
    ])('answers %s as a usage error', async (_title, args) => {
      const result = await box.cli([...explain, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^signet: .*\(INVALID_ARGUMENT\)\n$/);
    });
  });
});
