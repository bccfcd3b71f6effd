import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSigner, type KeySpec, type Signer } from '../helpers/sdk.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';
import { issueSelfSignedCertificate, OID_TIME_STAMPING, toPem } from '../../src/x509/index.js';
import { issueTimestamp, type IssueTimestampOptions } from '../../src/timestamp/index.js';

export const POLICY = '1.3.6.1.4.1.99999.1';

/** A TSA key with a self-signed TSA certificate (EKU timeStamping, critical), written as PEM for openssl. */
export interface TsaFixture {
  readonly dir: string;
  readonly signer: Signer;
  readonly certificate: Uint8Array;
  /** The certificate's PEM file. */
  readonly certificatePem: string;
  /** A signer of a key whose certificate is a code-signing one (no TSA may use it). */
  readonly codeSigner: Signer;
}

export async function createTsaFixture(spec: KeySpec = 'ec-p256'): Promise<TsaFixture> {
  const dir = await tempDir('signet-tsa-');
  const soft = await openTestStore(join(dir, 'keys'), { backend: 'portable' });
  const make = async (name: string, extendedKeyUsage?: string[]) => {
    const key = await soft.generateKey({ name, spec });
    const certificate = await issueSelfSignedCertificate(await createSigner(soft, key.uri), {
      subject: { commonName: `Signet test ${name}`, organization: 'Signet' },
      ...(extendedKeyUsage ? { extendedKeyUsage } : {}),
    });
    await soft.setCertificates({ key: key.uri, certificates: [certificate] });
    return { signer: await createSigner(soft, key.uri), certificate };
  };
  const tsa = await make('tsa', [OID_TIME_STAMPING]);
  const code = await make('code');
  const certificatePem = join(dir, 'tsa.pem');
  await writeFile(certificatePem, toPem('CERTIFICATE', tsa.certificate));
  return { dir, signer: tsa.signer, certificate: tsa.certificate, certificatePem, codeSigner: code.signer };
}

/** A loopback HTTP server; `handle` answers each request. Closed after the test file. */
export async function listen(
  handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
): Promise<string> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
}

/** A loopback TSA that answers with `issueTimestamp`, numbering tokens 1, 2, 3... */
export async function listenTsa(
  tsa: TsaFixture,
  options: Partial<IssueTimestampOptions> = {},
): Promise<{ url: string; requests: () => number }> {
  let serial = 0n;
  let requests = 0;
  const url = await listen((_req, res, body) => {
    requests++;
    void issueTimestamp({
      request: body,
      signer: tsa.signer,
      serialNumber: () => ++serial,
      policy: POLICY,
      ...options,
    }).then(
      (issued) => {
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
        res.end(issued.response);
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });
  return { url, requests: () => requests };
}

/** A URL on loopback where nothing listens: connections are refused. */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}/tsa`;
}
