import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTimestampRequest, issueTimestamp, readTimestampResponse } from '../../src/timestamp/index.js';
import { isSignetError } from '../helpers/sdk.js';
import { openssl } from '../helpers/openssl.js';
import { createTsaFixture, POLICY, type TsaFixture } from './fixture.js';

/** The TSA side, checked by the tool users trust: `openssl ts` makes the queries and verifies the replies. */
describe('issueTimestamp', () => {
  let tsa: TsaFixture;
  let data: string;

  beforeAll(async () => {
    tsa = await createTsaFixture();
    data = join(tsa.dir, 'artifact.bin');
    await writeFile(data, 'the bytes a timestamp is over');
  });

  let n = 0;
  async function query(options: string[]): Promise<{ file: string; der: Buffer }> {
    const file = join(tsa.dir, `q${++n}.tsq`);
    const made = await openssl(['ts', '-query', '-data', data, ...options, '-out', file]);
    expect(made.ok, made.stderr).toBe(true);
    return { file, der: await readFile(file) };
  }
  async function reply(response: Uint8Array): Promise<string> {
    const file = join(tsa.dir, `r${++n}.tsr`);
    await writeFile(file, response);
    return file;
  }

  describe.each(['-sha256', '-sha384', '-sha512'])('for an openssl query with %s and -cert', (hash) => {
    it('grants a token that openssl ts -verify accepts against the TSA certificate', async () => {
      const q = await query([hash, '-cert']);
      const issued = await issueTimestamp({
        request: q.der,
        signer: tsa.signer,
        serialNumber: 7n,
        policy: POLICY,
        accuracy: { seconds: 1 },
      });
      expect(issued.granted).toBe(true);
      const file = await reply(issued.response);
      const verified = await openssl([
        'ts',
        '-verify',
        '-in',
        file,
        '-queryfile',
        q.file,
        '-CAfile',
        tsa.certificatePem,
      ]);
      expect(verified.stdout + verified.stderr).toContain('Verification: OK');
      const text = await openssl(['ts', '-reply', '-in', file, '-text']);
      expect(text.stdout).toContain('Status: Granted.');
      expect(text.stdout).toContain(`Policy OID: ${POLICY}`);
      expect(text.stdout).toContain('Serial number: 0x07');
      expect(text.stdout).toMatch(/Accuracy: 0x01 seconds/);
    });
  });

  it('grants tokens signed with an RSA TSA key that openssl accepts', async () => {
    const rsa = await createTsaFixture('rsa-2048');
    const q = await query(['-sha256', '-cert']);
    const issued = await issueTimestamp({ request: q.der, signer: rsa.signer, serialNumber: 1n, policy: POLICY });
    const file = await reply(issued.response);
    const verified = await openssl(['ts', '-verify', '-in', file, '-queryfile', q.file, '-CAfile', rsa.certificatePem]);
    expect(verified.stdout + verified.stderr).toContain('Verification: OK');
  });

  it('serves a policy OID with a 128-bit arc (2.25, from a UUID), which a request may name', async () => {
    const policy = '2.25.17237507826604478957144633170978279767';
    const q = await query(['-sha256', '-cert', '-tspolicy', policy]);
    const issued = await issueTimestamp({ request: q.der, signer: tsa.signer, serialNumber: 3n, policy });
    expect(issued.granted).toBe(true);
    const file = await reply(issued.response);
    const verified = await openssl(['ts', '-verify', '-in', file, '-queryfile', q.file, '-CAfile', tsa.certificatePem]);
    expect(verified.stdout + verified.stderr).toContain('Verification: OK');
    const request = createTimestampRequest({ data: new Uint8Array(2) }, { policy });
    const ours = await issueTimestamp({ request: request.der, signer: tsa.signer, serialNumber: 4n, policy });
    expect(readTimestampResponse(ours.response, request).policy).toBe(policy);
  });

  it('leaves the certificates out when the query does not ask for them (openssl then needs -untrusted)', async () => {
    const q = await query(['-sha256']);
    const issued = await issueTimestamp({ request: q.der, signer: tsa.signer, serialNumber: 8n, policy: POLICY });
    const file = await reply(issued.response);
    const args = ['ts', '-verify', '-in', file, '-queryfile', q.file, '-CAfile', tsa.certificatePem];
    expect((await openssl(args)).ok).toBe(false);
    const verified = await openssl([...args, '-untrusted', tsa.certificatePem]);
    expect(verified.stdout + verified.stderr).toContain('Verification: OK');
  });

  it('grants a token over a request without a nonce', async () => {
    const q = await query(['-sha256', '-cert', '-no_nonce']);
    const issued = await issueTimestamp({ request: q.der, signer: tsa.signer, serialNumber: 9n, policy: POLICY });
    const file = await reply(issued.response);
    const verified = await openssl(['ts', '-verify', '-in', file, '-queryfile', q.file, '-CAfile', tsa.certificatePem]);
    expect(verified.stdout + verified.stderr).toContain('Verification: OK');
  });

  describe('refuses with a rejection reply, consuming no serial number,', () => {
    const refused = async (request: Uint8Array, failure: string, text: RegExp) => {
      let serials = 0;
      const issued = await issueTimestamp({
        request,
        signer: tsa.signer,
        serialNumber: () => BigInt(++serials),
        policy: POLICY,
      });
      expect(issued).toMatchObject({ granted: false, failure });
      expect(serials).toBe(0);
      const shown = await openssl(['ts', '-reply', '-in', await reply(issued.response), '-text']);
      expect(shown.stdout).toContain('Status: Rejected.');
      expect(shown.stdout).toMatch(text);
    };

    it('a hash it does not serve (badAlg)', async () => {
      await refused((await query(['-sha1', '-cert'])).der, 'badAlg', /unrecognized or unsupported algorithm/);
    });

    it('another policy (unacceptedPolicy)', async () => {
      await refused(
        (await query(['-sha256', '-tspolicy', '1.2.3.4'])).der,
        'unacceptedPolicy',
        /requested TSA policy is not supported/,
      );
    });

    it('bytes that are not a TimeStampReq (badDataFormat)', async () => {
      await refused(Buffer.from('not a request'), 'badDataFormat', /data submitted has the wrong format/);
      const q = await query(['-sha256']);
      await refused(Buffer.concat([q.der, Buffer.of(0)]), 'badDataFormat', /wrong format/);
    });

    it('an imprint of the wrong length (badDataFormat)', async () => {
      const request = createTimestampRequest({ digest: new Uint8Array(32), hash: 'sha256' });
      const der = Buffer.from(request.der);
      // The imprint's hash OID says SHA-256 (…04 02 01); make it SHA-384 over the same 32 bytes.
      const at = der.indexOf(Buffer.from('608648016503040201', 'hex'));
      der[at + 8] = 0x02;
      await refused(der, 'badDataFormat', /wrong format/);
    });
  });

  it('refuses to sign with a key whose certificate is not a TSA certificate, before taking a serial number', async () => {
    let serials = 0;
    const request = createTimestampRequest({ data: new Uint8Array(1) });
    const issuing = issueTimestamp({
      request: request.der,
      signer: tsa.codeSigner,
      serialNumber: () => BigInt(++serials),
      policy: POLICY,
    });
    await expect(issuing).rejects.toSatisfy((e) => isSignetError(e, 'INVALID_CERTIFICATE'));
    expect(serials).toBe(0);
  });

  it('makes tokens its own client reads back, with the serial, time, accuracy and nonce', async () => {
    const request = createTimestampRequest({ data: new Uint8Array([1, 2, 3]), hash: 'sha384' });
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 678);
    const issued = await issueTimestamp({
      request: request.der,
      signer: tsa.signer,
      serialNumber: 2n ** 70n,
      policy: POLICY,
      now,
      accuracy: { millis: 250 },
    });
    const timestamp = readTimestampResponse(issued.response, request, { trustedCertificates: [tsa.certificate] });
    expect(timestamp).toMatchObject({
      serialNumber: 2n ** 70n,
      policy: POLICY,
      hash: 'sha384',
      nonce: request.nonce,
      accuracy: { millis: 250 },
      trusted: true,
      time: now,
    });
    expect(timestamp.authority.subject).toBe('CN=Signet test tsa, O=Signet');
  });
});
