import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslVerifiesCms } from '@signet/sdk/testing';
import { EXIT } from '../src/exit-codes.js';
import { json, sandbox, tool, type CliResult, type Sandbox } from './helpers/cli.js';
import { startServer, type LiveServer } from './helpers/server.js';

/*
 * The built `signet` against the built `signet-server` (SQLite in a temporary data folder): the
 * approval flow end to end, jobs, and the server's audit log, each step as a user's script sees it:
 * exit status, one line on stderr, and `--json` that parses.
 */

/** Releasers sign after two approvers; signers sign freely; nobody signs with the server's own keys. */
const POLICY = `version: 1
revision: "cli-server-test"
roles:
  - role: admin
  - role: signer
  - role: releaser
  - role: approver
rules:
  - name: releases
    allow: { roles: [releaser], keys: ["soft://signing"] }
    approvals: { steps: [{ role: approver, count: 2 }] }
  - name: signers
    allow: { roles: [admin, signer], keys: ["soft://signing"] }
  - name: server-keys
    deny: { keys: ["soft://audit", "soft://agent-ca"] }
`;

type Who = 'admin' | 'releaser' | 'approver-1' | 'approver-2' | 'signer';

interface Job {
  id: string;
  state: string;
  requestId: string;
  error?: { code: string };
}
interface JsonError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

// The server runs on SQLite here: `SIGNET_TEST_DIALECTS` without sqlite skips this file.
const sqlite = !process.env.SIGNET_TEST_DIALECTS || process.env.SIGNET_TEST_DIALECTS.split(',').includes('sqlite');

describe.skipIf(!sqlite)('signet against a live signet-server', () => {
  let box: Sandbox;
  let server: LiveServer;
  const tokens = {} as Record<Who, string>;
  /** Runs the built binary as `who`. */
  const as = (who: Who, args: string[]): Promise<CliResult> =>
    box.bin(args, { env: { SIGNET_SERVER: server.url, SIGNET_TOKEN: tokens[who] } });
  const sha256 = async (file: string) =>
    createHash('sha256')
      .update(await readFile(join(box.cwd, file)))
      .digest('hex');

  beforeAll(async () => {
    box = await sandbox({ createStore: false });
    server = await startServer(join(box.root, 'data'));
    tokens.admin = server.adminToken;
    for (const [who, roles] of [
      ['releaser', ['releaser']],
      ['approver-1', ['approver']],
      ['approver-2', ['approver']],
      ['signer', ['signer']],
    ] as const) {
      const created = await server.api<{ token: string }>('POST', '/v1/tokens', tokens.admin, { name: who, roles });
      expect(created.status).toBe(201);
      tokens[who] = created.body.token;
    }
    expect((await server.api('PUT', '/v1/policy', tokens.admin, { text: POLICY })).status).toBe(200);
    const signing = await as('signer', ['keys', 'show', 'soft://signing', '--public-key']);
    expect(signing.code, signing.stderr).toBe(0);
    await writeFile(join(box.cwd, 'signing.pub.pem'), signing.stdout);
  }, 60_000);
  afterAll(() => server?.stop());

  /** What openssl says of a raw (DER ECDSA) signature of `file` by soft://signing. */
  const opensslVerifies = async (file: string, signature: string) =>
    (await tool('openssl', ['dgst', '-sha256', '-verify', 'signing.pub.pem', '-signature', signature, file], box.cwd))
      .stdout;

  describe('a signature that needs two approvals', () => {
    let requestId: string;

    beforeAll(() => writeFile(join(box.cwd, 'release.txt'), 'release 1.0\n'));

    it('is refused with exit 9, naming the request id approvers act on', async () => {
      const text = await as('releaser', ['sign', 'release.txt', '--key', 'soft://signing', '--format', 'raw']);
      expect(text.code).toBe(EXIT.PENDING);
      expect(text.stderr).toMatch(/^signet: Waiting for approval \(2 more from approver\); request [0-9a-f]{64}/);
      expect(text.stderr.trim().split('\n')).toHaveLength(1);

      const again = await as('releaser', [
        'sign',
        'release.txt',
        '--key',
        'soft://signing',
        '--format',
        'raw',
        '--json',
      ]);
      expect(again.code).toBe(EXIT.PENDING);
      const { error } = json<JsonError>(again);
      expect(error.code).toBe('APPROVAL_REQUIRED');
      requestId = String(error.details?.requestId);
      expect(text.stderr).toContain(requestId); // the same request both times: approvals will match it
      await expect(readFile(join(box.cwd, 'release.txt.sig'))).rejects.toThrow(); // nothing written
    });

    it('is listed for approvers with its artifact and the approvals it waits for', async () => {
      const list = await as('approver-1', ['approvals', 'list', '--json']);
      expect(list.code, list.stderr).toBe(0);
      const { pending } = json<{ pending: Array<{ id: string; items: Array<{ artifact?: { name?: string } }> }> }>(
        list,
      );
      const mine = pending.find((p) => p.id === requestId);
      expect(mine?.items[0]?.artifact?.name).toBe('release.txt');
      const text = await as('approver-1', ['approvals', 'list']);
      expect(text.stdout).toContain(requestId.slice(0, 16));
      expect(text.stdout).toContain('2 × approver');
    });

    it('cannot be approved by its requester (exit 8), nor by someone who is not an approver', async () => {
      const self = await as('releaser', ['approvals', 'approve', requestId]);
      expect(self.code).toBe(EXIT.DENIED);
      expect(self.stderr).toBe('signet: Nobody approves their own request (SELF_APPROVAL)\n');
      const signer = await as('signer', ['approvals', 'approve', requestId, '--json']);
      expect(signer.code).toBe(EXIT.DENIED);
      expect(json<JsonError>(signer).error.code).toBe('NOT_AN_APPROVER');
      const unknown = await as('approver-1', ['approvals', 'approve', 'ab'.repeat(32)]);
      expect(unknown.code).toBe(EXIT.NOT_FOUND);
    });

    it('is still pending after one approval, and signed after the second; openssl verifies the signature', async () => {
      const first = await as('approver-1', [
        'approvals',
        'approve',
        requestId,
        '-m',
        'checked the changelog',
        '--json',
      ]);
      expect(first.code, first.stderr).toBe(0);
      expect(json<{ requestId: string; decision: { effect: string } }>(first)).toMatchObject({
        requestId,
        decision: { effect: 'pending' },
      });
      const twice = await as('approver-1', ['approvals', 'approve', requestId, '--json']);
      expect(json<{ decision: { missing: Array<{ remaining: number }> } }>(twice).decision.missing[0]!.remaining).toBe(
        1,
      ); // the same approver counts once
      expect((await as('releaser', ['sign', 'release.txt', '--key', 'soft://signing', '--format', 'raw'])).code).toBe(
        EXIT.PENDING,
      );

      const second = await as('approver-2', ['approvals', 'approve', requestId]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toBe(`Approved ${requestId.slice(0, 16)}: now allow\n`);

      const signed = await as('releaser', [
        'sign',
        'release.txt',
        '--key',
        'soft://signing',
        '--format',
        'raw',
        '--json',
      ]);
      expect(signed.code, signed.stderr).toBe(0);
      expect(json<{ signatures: Array<{ signature: string }> }>(signed).signatures[0]!.signature).toBe(
        'release.txt.sig',
      );
      expect(await opensslVerifies('release.txt', 'release.txt.sig')).toContain('Verified OK');
      const list = json<{ pending: Array<{ id: string }> }>(await as('approver-1', ['approvals', 'list', '--json']));
      expect(list.pending.map((p) => p.id)).not.toContain(requestId);
    });

    it('keeps its CMS signing time while it waits, so the approved request is the one signed', async () => {
      await writeFile(join(box.cwd, 'installer.txt'), 'installer\n');
      const ask = async () => {
        const asked = await as('releaser', ['sign', 'installer.txt', '--key', 'soft://signing', '--json']);
        expect(asked.code).toBe(EXIT.PENDING);
        return String(json<JsonError>(asked).error.details?.requestId);
      };
      const id = await ask();
      await new Promise((resolve) => setTimeout(resolve, 1100)); // the signing time has whole seconds
      expect(await ask()).toBe(id);
      for (const approver of ['approver-1', 'approver-2'] as const)
        expect((await as(approver, ['approvals', 'approve', id])).code).toBe(0);
      const signed = await as('releaser', ['sign', 'installer.txt', '--key', 'soft://signing']);
      expect(signed.code, signed.stderr).toBe(0);
      const certificate = await as('releaser', ['keys', 'show', 'soft://signing', '--certificate']);
      await writeFile(join(box.cwd, 'signing.pem'), certificate.stdout);
      const verified = await opensslVerifiesCms({
        signature: join(box.cwd, 'installer.txt.p7s'),
        content: join(box.cwd, 'installer.txt'),
        caFile: join(box.cwd, 'signing.pem'),
      });
      expect(verified.ok, verified.output).toBe(true);
      expect(await readdir(join(box.home, 'pending'))).toEqual([]); // signed: nothing is kept
    });

    it('leaves the pending list once an approver denies it', async () => {
      await writeFile(join(box.cwd, 'hotfix.txt'), 'hotfix\n');
      const asked = await as('releaser', [
        'sign',
        'hotfix.txt',
        '--key',
        'soft://signing',
        '--format',
        'raw',
        '--json',
      ]);
      expect(asked.code).toBe(EXIT.PENDING);
      const id = String(json<JsonError>(asked).error.details?.requestId);
      const denied = await as('approver-1', ['approvals', 'deny', id, '-m', 'not this week', '--json']);
      expect(denied.code, denied.stderr).toBe(0);
      expect(json<{ decision: { effect: string } }>(denied).decision.effect).toBe('deny');
      const list = json<{ pending: Array<{ id: string }> }>(await as('approver-2', ['approvals', 'list', '--json']));
      expect(list.pending.map((p) => p.id)).not.toContain(id);
      expect((await as('approver-2', ['approvals', 'approve', id])).code).toBe(EXIT.NOT_FOUND);
    });
  });

  describe('signing jobs', () => {
    /** A job the releaser submits through the API (the CLI has no submit): it waits for approvals. */
    async function submit(file: string, content: string): Promise<Job> {
      await writeFile(join(box.cwd, file), content);
      const job = await server.api<Job>('POST', '/v1/jobs', tokens.releaser, {
        key: 'soft://signing',
        items: [{ digest: await sha256(file), artifact: { name: file } }],
      });
      expect(job.status).toBe(202);
      return job.body;
    }
    async function statusOf(id: string): Promise<Job> {
      const status = await as('releaser', ['jobs', 'status', id, '--json']);
      expect(status.code, status.stderr).toBe(0);
      return json<Job>(status);
    }
    async function awaitingApproval(id: string): Promise<Job> {
      for (let i = 0; i < 50; i++) {
        const job = await statusOf(id);
        if (job.state === 'awaiting-approval') return job;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`job ${id} never waited for approval`);
    }

    it('reports where a job stands, waits for it, and gives signatures openssl verifies', async () => {
      const job = await awaitingApproval((await submit('app.txt', 'app 2.0\n')).id);
      const text = await as('releaser', ['jobs', 'status', job.id]);
      expect(text.stdout).toBe(`${job.id}  awaiting-approval\n`);

      const early = await as('releaser', ['jobs', 'wait', job.id, '--timeout', '1', '--json']);
      expect(early.code).toBe(EXIT.PENDING); // not finished is not success: scripts must not go on
      expect(json<JsonError>(early).error).toMatchObject({
        code: 'APPROVAL_REQUIRED',
        details: { job: job.id, state: 'awaiting-approval', requestId: job.requestId },
      });

      for (const approver of ['approver-1', 'approver-2'] as const)
        expect((await as(approver, ['approvals', 'approve', job.requestId])).code).toBe(0);
      const done = await as('releaser', ['jobs', 'wait', job.id, '--timeout', '30', '--json']);
      expect(done.code, done.stderr).toBe(0);
      const result = json<{ signatures: Array<{ digest: string; signature: string; auditIndex: number }> }>(done);
      expect(result.signatures).toHaveLength(1);
      expect(result.signatures[0]!.digest).toBe(await sha256('app.txt'));
      await writeFile(join(box.cwd, 'app.txt.sig'), Buffer.from(result.signatures[0]!.signature, 'base64'));
      expect(await opensslVerifies('app.txt', 'app.txt.sig')).toContain('Verified OK');
      expect((await statusOf(job.id)).state).toBe('done');
      const waitText = await as('releaser', ['jobs', 'wait', job.id]);
      expect(waitText.stdout).toBe(`${result.signatures[0]!.digest}  audit #${result.signatures[0]!.auditIndex}\n`);
    });

    it('cancels a job that waits for approval, once; waiting for it then exits 130', async () => {
      const job = await awaitingApproval((await submit('nightly.txt', 'nightly\n')).id);
      const cancelled = await as('releaser', ['jobs', 'cancel', job.id, '--json']);
      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(json<Job>(cancelled)).toMatchObject({ id: job.id, state: 'cancelled', error: { code: 'CANCELLED' } });
      const again = await as('releaser', ['jobs', 'cancel', job.id]);
      expect(again.code).toBe(EXIT.USAGE);
      expect(again.stderr).toContain('cannot be cancelled');
      const wait = await as('releaser', ['jobs', 'wait', job.id, '--json']);
      expect(wait.code).toBe(EXIT.INTERRUPTED);
      expect(json<JsonError>(wait).error.code).toBe('CANCELLED');
    });

    it('says which job does not exist (exit 3) and refuses a bad --timeout (exit 2)', async () => {
      const missing = await as('releaser', ['jobs', 'status', '00000000-0000-4000-8000-000000000000']);
      expect(missing.code).toBe(EXIT.NOT_FOUND);
      expect(missing.stderr).toContain('No job 00000000-0000-4000-8000-000000000000');
      const bad = await as('releaser', ['jobs', 'wait', 'x', '--timeout', 'soon']);
      expect(bad.code).toBe(EXIT.USAGE);
      expect(bad.stderr).toContain('--timeout');
    });
  });

  describe("the server's audit log", () => {
    beforeAll(async () => {
      const audit = await as('signer', ['keys', 'show', 'soft://audit', '--public-key']);
      expect(audit.code, audit.stderr).toBe(0);
      await writeFile(join(box.cwd, 'audit.pub.pem'), audit.stdout);
      await writeFile(join(box.cwd, 'notes.txt'), 'notes\n');
      expect((await as('signer', ['sign', 'notes.txt', '--key', 'soft://signing'])).code).toBe(0);
    });

    it('verifies with --server against its latest checkpoint', async () => {
      const verified = await as('signer', ['audit', 'verify', '--server', server.url, '--public-key', 'audit.pub.pem']);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/^OK {2}audit log verified: \d+ events, root [0-9a-f]{64}/);
      const asJson = await as('signer', ['audit', 'verify', '--public-key', 'audit.pub.pem', '--json']);
      expect(asJson.code, asJson.stderr).toBe(0);
      const report = json<{ valid: boolean; treeSize: number; events: number }>(asJson);
      expect(report.valid).toBe(true);
      // Every decision, approval and signature above is in it.
      expect(report.events).toBeGreaterThanOrEqual(15);
    });

    it('fails with exit 5 against a key that did not sign its checkpoints', async () => {
      const wrong = await as('signer', ['audit', 'verify', '--public-key', 'signing.pub.pem']);
      expect(wrong.code).toBe(EXIT.VERIFICATION);
    });
  });

  describe('a certificate chain for a server-held key', () => {
    it('is requested with keys csr, issued by a CA, and attached by an admin with keys import-cert', async () => {
      const csr = await as('admin', [
        'keys',
        'csr',
        'soft://signing',
        '--subject',
        'CN=Release, O=Acme',
        '-o',
        'signing.csr',
      ]);
      expect(csr.code, csr.stderr).toBe(0);
      const ca = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
      await tool(
        'openssl',
        [
          'req',
          '-x509',
          ...ca,
          '-subj',
          '/CN=Acme CA',
          '-keyout',
          'ca.key',
          '-out',
          'ca.pem',
          '-days',
          '2',
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=keyCertSign',
        ],
        box.cwd,
      );
      await writeFile(join(box.cwd, 'leaf.ext'), 'extendedKeyUsage=codeSigning\nkeyUsage=digitalSignature\n');
      const issued = await tool(
        'openssl',
        [
          'x509',
          '-req',
          '-in',
          'signing.csr',
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-set_serial',
          '9',
          '-days',
          '2',
          '-extfile',
          'leaf.ext',
          '-out',
          'leaf.pem',
        ],
        box.cwd,
      );
      expect(issued.ok, issued.stderr).toBe(true);
      await writeFile(
        join(box.cwd, 'chain.pem'),
        (await readFile(join(box.cwd, 'leaf.pem'), 'utf8')) + (await readFile(join(box.cwd, 'ca.pem'), 'utf8')),
      );

      const refused = await as('signer', ['keys', 'import-cert', 'soft://signing', 'chain.pem']);
      expect(refused.code, refused.stderr).toBe(EXIT.SECRET);
      const attached = await as('admin', ['keys', 'import-cert', 'soft://signing', 'chain.pem']);
      expect(attached.code, attached.stderr).toBe(0);

      await writeFile(join(box.cwd, 'chained.txt'), 'chained release\n');
      expect((await as('signer', ['sign', 'chained.txt', '--key', 'soft://signing'])).code).toBe(0);
      const verified = await opensslVerifiesCms({
        signature: join(box.cwd, 'chained.txt.p7s'),
        content: join(box.cwd, 'chained.txt'),
        caFile: join(box.cwd, 'ca.pem'),
      });
      expect(verified.ok, verified.output).toBe(true);
    });
  });

  describe("timestamps from the server's TSA", () => {
    it('are added to a CMS signature with --timestamp, and signet verify reports them', async () => {
      await writeFile(join(box.cwd, 'stamped.txt'), 'stamped release\n');
      const tsa = `${server.url}/v1/timestamp`;
      const signed = await as('signer', ['sign', 'stamped.txt', '--key', 'soft://signing', '--timestamp', tsa]);
      expect(signed.code, signed.stderr).toBe(0);
      const verified = await as('signer', ['verify', 'stamped.txt', '--ca', 'ca.pem', '--json']);
      expect(verified.code, verified.stderr).toBe(0);
      const report = json<{ timestamp: { time: string; serialNumber: string } | null }>(verified);
      expect(report.timestamp?.serialNumber).toMatch(/^\d+$/);
      expect(Math.abs(Date.parse(report.timestamp!.time) - Date.now())).toBeLessThan(120_000);
    });

    it('refuses --timestamp for a raw signature, as a usage error', async () => {
      const refused = await as('signer', [
        'sign',
        'stamped.txt',
        '--key',
        'soft://signing',
        '--format',
        'raw',
        '--timestamp',
        'http://127.0.0.1:9/',
      ]);
      expect(refused.code).toBe(2);
    });
  });
});
