import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTimestampRequest,
  issueTimestamp,
  readTimestampResponse,
  verifyTimestampToken,
  type TimestampRequest,
} from '../../src/timestamp/index.js';
import { fromPem, issueSelfSignedCertificate, OID_TIME_STAMPING } from '../../src/x509/index.js';
import { openssl } from '../helpers/openssl.js';
import { createTsaFixture, POLICY, type TsaFixture } from './fixture.js';

/** Flips one byte of `der` at the first place `marker` occurs, plus `offset`. */
function flip(der: Uint8Array, marker: Uint8Array, offset = 0): Uint8Array {
  const copy = Buffer.from(der);
  const at = copy.indexOf(Buffer.from(marker));
  expect(at).toBeGreaterThanOrEqual(0);
  copy[at + offset]! ^= 0x01;
  return new Uint8Array(copy);
}

describe('a timestamp token', () => {
  let tsa: TsaFixture;
  let request: TimestampRequest;
  let token: Uint8Array;
  const data = new TextEncoder().encode('a signature value');

  beforeAll(async () => {
    tsa = await createTsaFixture();
    request = createTimestampRequest({ data });
    const issued = await issueTimestamp({ request: request.der, signer: tsa.signer, serialNumber: 1n, policy: POLICY });
    token = readTimestampResponse(issued.response, request).token;
  });

  it('verifies over the data it was made for, and reports whether its TSA is trusted', () => {
    expect(verifyTimestampToken(token, { input: { data } }).trusted).toBe(false);
    const trusted = verifyTimestampToken(token, { input: { data }, trustedCertificates: [tsa.certificate] });
    expect(trusted.trusted).toBe(true);
    expect(trusted.chain.map((c) => c.subject)).toEqual(['CN=Signet test tsa, O=Signet']);
  });

  it('does not verify over other data, another nonce or another policy', () => {
    expect(() => verifyTimestampToken(token, { input: { data: new Uint8Array(1) } })).toThrow(
      expect.objectContaining({ code: 'VERIFICATION_FAILED' }),
    );
    expect(() => verifyTimestampToken(token, { nonce: request.nonce! + 1n })).toThrow(
      expect.objectContaining({ code: 'VERIFICATION_FAILED' }),
    );
    expect(() => verifyTimestampToken(token, { policy: '1.2.3' })).toThrow(
      expect.objectContaining({ code: 'VERIFICATION_FAILED' }),
    );
  });

  it('does not verify once its TSTInfo or its signature is changed', () => {
    // The serial number INTEGER 1 (02 01 01) sits in the TSTInfo right after the imprint.
    const tst = flip(token, request.digest, request.digest.length + 2);
    expect(() => verifyTimestampToken(tst)).toThrow(expect.objectContaining({ code: 'VERIFICATION_FAILED' }));
    const parsed = pkijs.ContentInfo.fromBER(token);
    const signedData = new pkijs.SignedData({ schema: parsed.content });
    const signature = signedData.signerInfos[0]!.signature.valueBlock.valueHexView;
    const resigned = flip(token, signature.subarray(0, 16), 10);
    expect(() => verifyTimestampToken(resigned)).toThrow(expect.objectContaining({ code: 'VERIFICATION_FAILED' }));
  });

  it('does not verify with another certificate of the same key and serial number (signingCertificateV2)', async () => {
    const original = pkijs.Certificate.fromBER(tsa.certificate);
    const other = await issueSelfSignedCertificate(tsa.signer, {
      subject: { commonName: 'Signet test tsa', organization: 'Signet' },
      serialNumber: new Uint8Array(original.serialNumber.valueBlock.valueHexView),
      notBefore: new Date(Date.now() - 60_000),
      validityDays: 30,
      extendedKeyUsage: [OID_TIME_STAMPING],
    });
    const content = pkijs.ContentInfo.fromBER(token);
    const signedData = new pkijs.SignedData({ schema: content.content });
    signedData.certificates = [pkijs.Certificate.fromBER(other)];
    const swapped = new pkijs.ContentInfo({ contentType: content.contentType, content: signedData.toSchema(true) });
    const der = new Uint8Array(swapped.toSchema().toBER(false));
    expect(() => verifyTimestampToken(der)).toThrow(/signingCertificate/);
  });

  it('is not read from bytes that are not a token', () => {
    expect(() => verifyTimestampToken(new Uint8Array([0x30, 0x00]))).toThrow(
      expect.objectContaining({ code: 'INVALID_FORMAT' }),
    );
  });
});

/** Tokens of another TSA implementation: OpenSSL's own `ts -reply`. */
describe('a timestamp reply from openssl ts -reply', () => {
  let dir: string;
  let caPem: string;

  beforeAll(async () => {
    dir = (await createTsaFixture()).dir;
    caPem = join(dir, 'ossl-tsa.pem');
    const made = await openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
      '-nodes',
      '-keyout',
      join(dir, 'ossl-tsa.key'),
      '-out',
      caPem,
      '-subj',
      '/CN=OpenSSL TSA',
      '-days',
      '2',
      '-addext',
      'extendedKeyUsage=critical,timeStamping',
      '-addext',
      'keyUsage=critical,digitalSignature',
    ]);
    expect(made.ok, made.stderr).toBe(true);
    await writeFile(join(dir, 'serial'), '01\n');
  });

  async function opensslReply(request: TimestampRequest, essAlg: string): Promise<Uint8Array> {
    const config = join(dir, `tsa-${essAlg}.cnf`);
    await writeFile(
      config,
      [
        '[ tsa ]',
        'default_tsa = tsa1',
        '[ tsa1 ]',
        `serial = ${join(dir, 'serial')}`,
        `signer_cert = ${caPem}`,
        `signer_key = ${join(dir, 'ossl-tsa.key')}`,
        'signer_digest = sha384',
        'default_policy = 1.2.3.4.1',
        'digests = sha256, sha384, sha512',
        'accuracy = secs:1, millisecs:500, microsecs:100',
        'ordering = yes',
        'tsa_name = yes',
        `ess_cert_id_alg = ${essAlg}`,
        '',
      ].join('\n'),
    );
    const query = join(dir, `q-${essAlg}.tsq`);
    const reply = join(dir, `r-${essAlg}.tsr`);
    await writeFile(query, request.der);
    const made = await openssl(['ts', '-reply', '-config', config, '-queryfile', query, '-out', reply]);
    expect(made.ok, made.stderr).toBe(true);
    return readFile(reply);
  }

  it.each(['sha256', 'sha1'])('verifies with ESSCertID hashed with %s', async (essAlg) => {
    const request = createTimestampRequest({ data: new Uint8Array([4, 5, 6]), hash: 'sha512' });
    const root = fromPem(await readFile(caPem, 'utf8'), 'CERTIFICATE')[0]!;
    const timestamp = readTimestampResponse(await opensslReply(request, essAlg), request, {
      trustedCertificates: [root],
    });
    expect(timestamp).toMatchObject({
      policy: '1.2.3.4.1',
      hash: 'sha512',
      nonce: request.nonce,
      accuracy: { seconds: 1, millis: 500, micros: 100 },
      trusted: true,
    });
    expect(timestamp.authority.subject).toBe('CN=OpenSSL TSA');
  });

  it('is refused when it answers another request', async () => {
    const asked = createTimestampRequest({ data: new Uint8Array([1]) });
    const other = createTimestampRequest({ data: new Uint8Array([2]) });
    expect(() => readTimestampResponse(Buffer.alloc(0), asked)).toThrow(
      expect.objectContaining({ code: 'INVALID_FORMAT' }),
    );
    const reply = await opensslReply(other, 'sha256');
    expect(() => readTimestampResponse(reply, asked)).toThrow(expect.objectContaining({ code: 'VERIFICATION_FAILED' }));
  });
});
