import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCms, verifyCms } from '../../../src/formats/cms/index.js';
import {
  createTimestampClient,
  createTimestampRequest,
  issueTimestamp,
  readTimestampResponse,
} from '../../../src/timestamp/index.js';
import { digestFile, getAlgorithm, isSignetError, type Signer } from '../../helpers/sdk.js';
import { openssl } from '../../helpers/openssl.js';
import { createTsaFixture, listenTsa, POLICY, type TsaFixture } from '../../timestamp/fixture.js';
import { createCmsFixture, type CmsFixture } from './fixture.js';

/** The SignerInfo's signature value and the token in its unsigned attributes. */
function parts(p7s: Uint8Array): { signatureValue: Uint8Array; token?: Uint8Array } {
  const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(p7s).content });
  const signerInfo = signedData.signerInfos[0]!;
  const value = signerInfo.unsignedAttrs?.attributes[0]?.values[0] as { valueBeforeDecodeView: Uint8Array } | undefined;
  return {
    signatureValue: new Uint8Array(signerInfo.signature.valueBlock.valueHexView),
    ...(value ? { token: new Uint8Array(value.valueBeforeDecodeView) } : {}),
  };
}

describe('a CMS signature with a timestamp', () => {
  let fx: CmsFixture;
  let tsa: TsaFixture;
  let url: string;
  let signer: Signer;
  let digest: Uint8Array;

  beforeAll(async () => {
    [fx, tsa] = await Promise.all([createCmsFixture(['ec-p384']), createTsaFixture()]);
    url = (await listenTsa(tsa)).url;
    signer = await fx.signer(getAlgorithm('ecdsa-p384-sha384'));
    digest = (await digestFile(fx.file, { hashes: ['sha384'] })).digests.sha384!;
  });

  it('carries a token over its signature value that openssl cms and openssl ts accept', async () => {
    const client = createTimestampClient({ urls: [url] });
    const p7s = await signCms(signer, { digest }, { timestamp: { client } });
    const file = join(fx.dir, 'timestamped.p7s');
    await writeFile(file, p7s);
    const verified = await openssl([
      ...['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, '-content', fx.file],
      ...['-CAfile', fx.certificatePem('ec-p384'), '-purpose', 'any', '-out', '/dev/null'],
    ]);
    expect(verified.stderr).toContain('Verification successful');
    const printed = await openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file]);
    expect(printed.stdout).toContain('id-smime-aa-timeStampToken');

    const { signatureValue, token } = parts(p7s);
    await writeFile(join(fx.dir, 'signature-value.bin'), signatureValue);
    await writeFile(join(fx.dir, 'token.der'), token!);
    const tokenVerified = await openssl([
      ...['ts', '-verify', '-token_in', '-in', join(fx.dir, 'token.der')],
      ...['-data', join(fx.dir, 'signature-value.bin'), '-CAfile', tsa.certificatePem],
    ]);
    expect(tokenVerified.stdout + tokenVerified.stderr).toContain('Verification: OK');
  });

  it('verifies with verifyCms, whose timestamp imprint is the digest of the signature value', async () => {
    const client = createTimestampClient({ urls: [url] });
    const p7s = await signCms(signer, { digest }, { timestamp: { client, hash: 'sha256' } });
    const result = await verifyCms(p7s, { path: fx.file }, { trustedTimestampCertificates: [tsa.certificate] });
    const expected = createHash('sha256').update(parts(p7s).signatureValue).digest();
    expect(Buffer.from(result.timestamp!.imprint)).toEqual(expected);
    expect(result.timestamp).toMatchObject({ hash: 'sha256', policy: POLICY, trusted: true });
  });

  it('takes a token from a function, and refuses one that is not over the signature', async () => {
    const timestamper = async (signatureValue: Uint8Array) => {
      const request = createTimestampRequest({ data: signatureValue });
      const issued = await issueTimestamp({
        request: request.der,
        signer: tsa.signer,
        serialNumber: 5n,
        policy: POLICY,
      });
      return readTimestampResponse(issued.response, request).token;
    };
    const p7s = await signCms(signer, { digest }, { timestamp: timestamper });
    expect((await verifyCms(p7s, { digest })).timestamp?.serialNumber).toBe(5n);

    const elsewhere = (_: Uint8Array) => timestamper(new Uint8Array(8));
    await expect(signCms(signer, { digest }, { timestamp: elsewhere })).rejects.toSatisfy((e) =>
      isSignetError(e, 'VERIFICATION_FAILED'),
    );
  });

  it('does not verify when its token is changed', async () => {
    const p7s = Buffer.from(
      await signCms(signer, { digest }, { timestamp: { client: createTimestampClient({ urls: [url] }) } }),
    );
    const { token } = parts(p7s);
    // The last arc of the policy OID in the token's TSTInfo.
    const policy = Buffer.from(new asn1js.ObjectIdentifier({ value: POLICY }).toBER(false));
    const at = p7s.indexOf(policy, p7s.indexOf(Buffer.from(token!)));
    expect(at).toBeGreaterThan(0);
    p7s[at + policy.length - 1] = 0x02;
    await expect(verifyCms(p7s, { digest })).rejects.toSatisfy((e) => isSignetError(e, 'VERIFICATION_FAILED'));
  });

  it('is not made, and nothing changes, without the option', async () => {
    const p7s = await signCms(signer, { digest });
    expect(parts(p7s).token).toBeUndefined();
    expect((await verifyCms(p7s, { digest })).timestamp).toBeUndefined();
  });
});
