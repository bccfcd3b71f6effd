import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTimestampClient, createTimestampRequest, readTimestampResponse } from '@signet/sdk/timestamp';
import { toPem } from '@signet/sdk/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastSerial, postQuery, tsaServer } from './helpers.js';

const run = promisify(execFile);
async function openssl(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout, stderr } = await run('openssl', args);
    return { ok: true, out: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

/** The server's TSA as users meet it: `openssl ts` queries and verifies, and the SDK client fails over to it. */
describe('the server’s timestamp authority', () => {
  let world: Awaited<ReturnType<typeof tsaServer>>;
  let caFile: string;
  let dataFile: string;

  beforeAll(async () => {
    world = await tsaServer('sqlite', { timestamp: { rateLimit: 1000 } });
    caFile = join(world.dataDir, 'tsa.pem');
    await writeFile(caFile, toPem('CERTIFICATE', world.tsaCertificate));
    dataFile = join(world.dataDir, 'artifact.bin');
    await writeFile(dataFile, 'bytes to timestamp\n');
  });

  let base: Promise<string> | undefined;
  const listening = () => (base ??= world.server.listen());

  let n = 0;
  async function exchange(queryArgs: string[]): Promise<{ query: string; reply: string; status: number }> {
    const query = join(world.dataDir, `q${++n}.tsq`);
    const reply = join(world.dataDir, `r${n}.tsr`);
    expect((await openssl(['ts', '-query', '-data', dataFile, ...queryArgs, '-out', query])).ok).toBe(true);
    const res = await postQuery(world.app, await readFile(query));
    expect(res.headers.get('content-type')).toBe('application/timestamp-reply');
    await writeFile(reply, new Uint8Array(await res.arrayBuffer()));
    return { query, reply, status: res.status };
  }

  it('answers an openssl query, without credentials, with a token openssl ts -verify accepts', async () => {
    const { query, reply, status } = await exchange(['-sha256', '-cert']);
    expect(status).toBe(200);
    const verified = await openssl(['ts', '-verify', '-in', reply, '-queryfile', query, '-CAfile', caFile]);
    expect(verified.out).toContain('Verification: OK');
    const text = await openssl(['ts', '-reply', '-in', reply, '-text']);
    expect(text.out).toContain('Policy OID: 2.25.17237507826604478957144633170978279767');
    expect(text.out).toMatch(/Accuracy: 0x01 seconds/);
  });

  it('records each token in the audit log: its serial number and imprint, not the token', async () => {
    const audit = world.server.services.audit;
    const before = await audit.size();
    const request = createTimestampRequest({ data: new Uint8Array([9]) });
    const timestamp = readTimestampResponse(
      new Uint8Array(await (await postQuery(world.app, request.der)).arrayBuffer()),
      request,
    );
    expect(await audit.size()).toBe(before + 1);
    const [record] = await audit.read(before, before + 1);
    expect(record).toMatchObject({
      type: 'signature',
      actor: 'signet|tsa',
      data: {
        format: 'rfc3161',
        key: 'soft://tsa',
        serialNumber: String(timestamp.serialNumber),
        hash: 'sha256',
        imprint: Buffer.from(request.digest).toString('hex'),
      },
    });
  });

  it('refuses an unknown hash with a rejection reply that openssl shows, taking no serial number', async () => {
    const before = await lastSerial(world.inspect);
    const { reply, status } = await exchange(['-sha1', '-cert']);
    expect(status).toBe(200);
    const text = await openssl(['ts', '-reply', '-in', reply, '-text']);
    expect(text.out).toContain('Status: Rejected.');
    expect(text.out).toContain('unrecognized or unsupported algorithm');
    expect(await lastSerial(world.inspect)).toBe(before);
  });

  it('answers other content types with 415 and large bodies with 413, as problems', async () => {
    const json = await postQuery(world.app, new Uint8Array([0x30, 0]), 'application/json');
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
    expect((await postQuery(world.app, new Uint8Array(5000))).status).toBe(413);
  });

  it('keeps the TSA key out of /v1/sign under the initial policy', async () => {
    const res = await world.app.request('/v1/sign', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${world.server.bootstrapToken}` },
      body: JSON.stringify({ key: 'soft://tsa', items: [{ digest: 'ab'.repeat(32) }] }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('POLICY_DENIED');
  });

  it('timestamps a JAR for jarsigner -tsa, whose -verify shows the timestamp and trusts our TSA certificate', async () => {
    const url = `${await listening()}/v1/timestamp`;
    const dir = world.dataDir;
    const jar = join(dir, 'app.jar');
    await writeFile(join(dir, 'A.txt'), 'payload\n');
    await run('jar', ['cf', jar, '-C', dir, 'A.txt']);
    const store = ['-storetype', 'PKCS12', '-storepass', 'changeit'];
    await run('keytool', [
      ...['-genkeypair', '-keystore', join(dir, 'signer.p12'), ...store, '-alias', 'release'],
      ...['-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=Release', '-validity', '30'],
    ]);
    await run('jarsigner', ['-keystore', join(dir, 'signer.p12'), ...store, '-tsa', url, jar, 'release']);
    await run('keytool', [
      '-importcert',
      '-noprompt',
      '-keystore',
      join(dir, 'trust.p12'),
      ...store,
      '-alias',
      'tsa',
      '-file',
      caFile,
    ]);
    const { stdout } = await run('jarsigner', [
      '-verify',
      '-verbose',
      '-certs',
      '-keystore',
      join(dir, 'trust.p12'),
      ...store,
      jar,
    ]);
    expect(stdout).toContain('Timestamped by "CN=Signet Timestamp Authority (development)"');
    expect(stdout).not.toContain('Invalid TSA certificate chain');
  });

  it('is where the SDK client fails over to, from a refusing URL and one answering 503', async () => {
    const url = `${await listening()}/v1/timestamp`;
    const unavailable = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((done) => unavailable.listen(0, '127.0.0.1', done));
    const refused = createServer();
    await new Promise<void>((done) => refused.listen(0, '127.0.0.1', done));
    const refusedPort = (refused.address() as AddressInfo).port;
    await new Promise<void>((done) => refused.close(() => done()));
    try {
      const client = createTimestampClient({
        urls: [
          `http://127.0.0.1:${refusedPort}/tsa`,
          `http://127.0.0.1:${(unavailable.address() as AddressInfo).port}/tsa`,
          url,
        ],
        retryDelayMs: 1,
        trustedCertificates: [world.tsaCertificate],
      });
      const timestamp = await client.timestamp({ data: new TextEncoder().encode('release') });
      expect(timestamp).toMatchObject({ url, trusted: true });
    } finally {
      await new Promise<void>((done) => unavailable.close(() => done()));
    }
  });
});

describe('the timestamp route’s rate limit', () => {
  it('answers 429 once a client address has used its burst', async () => {
    const { app } = await tsaServer('sqlite', { timestamp: { rateLimit: 1 } });
    const request = createTimestampRequest({ data: new Uint8Array(1) });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postQuery(app, request.der)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
