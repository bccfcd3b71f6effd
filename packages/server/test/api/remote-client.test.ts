import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslVerifiesCms } from '@signet/sdk/testing';
import { isSignetError } from '@signet/sdk';
import { signCms } from '@signet/sdk/formats/cms';
import { createRemoteClient, createRemoteSigner } from '@signet/sdk/remote';
import { toPem } from '@signet/sdk/x509';
import { createApp } from '../../src/api/app.js';
import { memoryServices } from '../helpers/services.js';

/** The SDK's remote client against the real API over HTTP on loopback. */
describe('the remote client', () => {
  let server: ServerType;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    const app = createApp(await memoryServices());
    url = await new Promise<string>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
    });
    dir = await mkdtemp(join(tmpdir(), 'signet-remote-'));
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await rm(dir, { recursive: true, force: true });
  });

  it('signs a file as CMS through the server, and openssl verifies it', async () => {
    const file = join(dir, 'app.tgz');
    await writeFile(file, 'pretend release\n');
    const digest = createHash('sha256').update('pretend release\n').digest();
    const client = createRemoteClient({ url, token: 'token-alice' });
    const signer = await createRemoteSigner(client, 'soft://dev', { metadata: { format: 'cms' } });
    const p7s = await signCms(signer.forArtifact({ name: 'app.tgz', digest: digest.toString('hex') }), { digest });
    await writeFile(`${file}.p7s`, p7s);
    await writeFile(join(dir, 'dev.pem'), toPem('CERTIFICATE', signer.key.certificates[0]!));
    const verified = await opensslVerifiesCms({
      signature: `${file}.p7s`,
      content: file,
      caFile: join(dir, 'dev.pem'),
    });
    expect(verified.ok, verified.output).toBe(true);
  });

  it('raises the server’s own error codes', async () => {
    const bob = createRemoteClient({ url, token: 'token-bob' });
    const denied = await bob
      .sign({ key: 'soft://dev', algorithm: 'ecdsa-p256-sha256', items: [{ digest: new Uint8Array(32) }] })
      .catch((e: unknown) => e);
    expect(isSignetError(denied, 'POLICY_DENIED')).toBe(true);
    const anonymous = await createRemoteClient({ url })
      .listKeys()
      .catch((e: unknown) => e);
    expect(isSignetError(anonymous, 'UNAUTHENTICATED')).toBe(true);
    const nobody = await createRemoteClient({ url: 'http://127.0.0.1:9', retries: 0 })
      .listKeys()
      .catch((e: unknown) => e);
    expect(isSignetError(nobody, 'UNAVAILABLE')).toBe(true);
  });

  it('submits a job and collects its result', async () => {
    const client = createRemoteClient({ url, token: 'token-alice' });
    const job = await client.submitJob({
      key: 'soft://dev',
      algorithm: 'ecdsa-p256-sha256',
      items: [{ digest: new Uint8Array(32).fill(3) }],
    });
    const result = await client.jobResult(job.id, 5);
    expect(result?.signatures).toHaveLength(1);
  });
});
