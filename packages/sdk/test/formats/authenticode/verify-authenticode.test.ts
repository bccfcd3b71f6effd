import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signAuthenticode, verifyAuthenticode } from '../../../src/formats/authenticode/index.js';
import { createTimestampClient } from '../../../src/timestamp/index.js';
import { fromPem } from '../../../src/x509/index.js';
import { isSignetError } from '../../helpers/sdk.js';
import { createTsaFixture, listenTsa } from '../../timestamp/fixture.js';
import { createPeFixture, type PeFixture, osslSign } from './fixture.js';

describe('verifyAuthenticode', () => {
  let fx: PeFixture;

  beforeAll(async () => {
    fx = await createPeFixture(['rsa-2048', 'ec-p256', 'ec-p384']);
  }, 60_000);

  it('reports each signature, primary then nested, with its signer, trust and timestamp', async () => {
    const tsa = await createTsaFixture('ec-p256');
    const { url } = await listenTsa(tsa);
    const client = createTimestampClient({ urls: [url] });
    const file = join(fx.dir, 'verify-nested.dll');
    await signAuthenticode(await fx.signer('rsa-2048'), { input: fx.files['pe32+-dll'], output: file });
    await signAuthenticode(
      await fx.signer('ec-p256'),
      { input: file, output: file },
      { nested: true, timestamp: { client } },
    );
    await signAuthenticode(await fx.signer('ec-p384'), { input: file, output: file }, { nested: true });
    const result = await verifyAuthenticode(file, {
      trustedCertificates: [fx.caCertificate],
      trustedTimestampCertificates: [tsa.certificate],
    });
    expect(result.kind).toBe('PE32+');
    expect(result.signatures.map((s) => [s.signer.subject, s.algorithm.id, s.trusted])).toEqual([
      ['CN=Signet PE rsa-2048, O=Signet', 'rsa-pkcs1-sha256', true],
      ['CN=Signet PE ec-p256, O=Signet', 'ecdsa-p256-sha256', true],
      ['CN=Signet PE ec-p384, O=Signet', 'ecdsa-p384-sha384', true],
    ]);
    expect(result.signatures[1]!.timestamp?.trusted).toBe(true);
    expect(result.signatures[0]!.timestamp).toBeUndefined();
    const untrusted = await verifyAuthenticode(file);
    expect(untrusted.signatures.every((s) => !s.trusted)).toBe(true);
  });

  it('accepts what osslsigncode signs', async () => {
    const file = join(fx.dir, 'v-ossl.exe');
    const cert = await osslSign(fx.dir, 'v', 'ec', fx.files['pe32-exe'], file);
    const certificate = fromPem(await readFile(cert, 'utf8'), 'CERTIFICATE')[0]!;
    const result = await verifyAuthenticode(file, { trustedCertificates: [certificate] });
    expect(result.signatures.map((s) => [s.signer.subject, s.trusted])).toEqual([['CN=osslsigncode signer', true]]);
  });

  it('fails with VERIFICATION_FAILED when a byte changed, or the file is unsigned', async () => {
    const file = join(fx.dir, 'v-tampered.exe');
    await signAuthenticode(await fx.signer('ec-p256'), { input: fx.files['pe32-exe'], output: file });
    const bytes = await readFile(file);
    bytes[0x500] = bytes[0x500]! ^ 0x80;
    await writeFile(file, bytes);
    for (const path of [file, fx.files['pe32-exe']]) {
      const error = await verifyAuthenticode(path).catch((e: unknown) => e);
      expect(isSignetError(error, 'VERIFICATION_FAILED'), String(error)).toBe(true);
    }
  });

  it('fails with INVALID_FORMAT for a file that is not a PE', async () => {
    const error = await verifyAuthenticode(fx.caPem).catch((e: unknown) => e);
    expect(isSignetError(error, 'INVALID_FORMAT')).toBe(true);
  });
});
