import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signAuthenticode } from '../../../src/formats/authenticode/index.js';
import { createTimestampClient } from '../../../src/timestamp/index.js';
import { createSigner, isSignetError, type KeySpec } from '../../helpers/sdk.js';
import { snapshot } from '../../helpers/temp.js';
import { createTsaFixture, listenTsa } from '../../timestamp/fixture.js';
import { createPeFixture, osslVerify, type PeFixture, type Target, osslSign } from './fixture.js';

const SPECS: readonly KeySpec[] = ['rsa-2048', 'rsa-3072', 'ec-p256', 'ec-p384'];

describe('a PE file signed by signAuthenticode', () => {
  let fx: PeFixture;

  beforeAll(async () => {
    fx = await createPeFixture(SPECS);
  }, 60_000);

  describe.each(SPECS.map((s) => [s] as const))('with a %s key', (spec) => {
    it('passes osslsigncode verify as PE32 and PE32+, EXE and DLL, with a valid checksum', async () => {
      const signer = await fx.signer(spec);
      const targets = Object.entries(fx.files) as Array<[Target, string]>;
      const outputs = await Promise.all(
        targets.map(async ([target, input]) => {
          const output = join(fx.dir, `${target}-${spec}.signed`);
          const result = await signAuthenticode(
            signer,
            { input, output },
            { description: 'Signet test', url: 'https://signet.example' },
          );
          expect(result.kind).toBe(target.startsWith('pe32+') ? 'PE32+' : 'PE32');
          return output;
        }),
      );
      for (const output of outputs) {
        const verified = await osslVerify(output, fx.caPem);
        expect(verified.output, verified.output).toContain('Signature verification: ok');
        expect(verified.output).toContain(`Subject: /O=Signet/CN=Signet PE ${spec}`);
        expect(verified.output).toContain('Text description: Signet test');
        expect(verified.output).not.toMatch(/invalid PE checksum/i);
        expect(verified.code).toBe(0);
      }
    });
  });

  it('carries an RFC 3161 timestamp that osslsigncode verifies against the TSA certificate', async () => {
    const tsa = await createTsaFixture('ec-p256');
    const { url } = await listenTsa(tsa);
    const client = createTimestampClient({ urls: [url], trustedCertificates: [tsa.certificate] });
    for (const spec of ['rsa-2048', 'ec-p384'] as const) {
      const output = join(fx.dir, `timestamped-${spec}.exe`);
      await signAuthenticode(
        await fx.signer(spec),
        { input: fx.files['pe32+-exe'], output },
        { timestamp: { client } },
      );
      const verified = await osslVerify(output, fx.caPem, ['-TSA-CAfile', tsa.certificatePem]);
      expect(verified.output, verified.output).toMatch(/Timestamp Server Signature verification: ok/);
      expect(verified.output).toContain('Issuer: /O=Signet/CN=Signet test tsa');
      expect(verified.output).toContain('Signature verification: ok');
      expect(verified.code).toBe(0);
    }
  });

  it('appends a nested signature on request, and replaces the existing one by default', async () => {
    const first = join(fx.dir, 'nested-1.dll');
    const nested = join(fx.dir, 'nested-2.dll');
    const replaced = join(fx.dir, 'replaced.dll');
    await signAuthenticode(await fx.signer('rsa-2048'), { input: fx.files['pe32-dll'], output: first });
    const result = await signAuthenticode(
      await fx.signer('ec-p256'),
      { input: first, output: nested },
      { nested: true },
    );
    expect(result.nested).toBe(true);
    const both = await osslVerify(nested, fx.caPem);
    expect(both.output, both.output).toContain('Number of verified signatures: 2');
    expect(both.output).toContain('Subject: /O=Signet/CN=Signet PE rsa-2048');
    expect(both.output).toContain('Subject: /O=Signet/CN=Signet PE ec-p256');
    expect(both.code).toBe(0);
    // A third, nested beside the second.
    await signAuthenticode(await fx.signer('ec-p384'), { input: nested, output: nested }, { nested: true });
    const three = await osslVerify(nested, fx.caPem);
    expect(three.output, three.output).toContain('Number of verified signatures: 3');

    await signAuthenticode(await fx.signer('ec-p384'), { input: nested, output: replaced });
    const one = await osslVerify(replaced, fx.caPem);
    expect(one.output, one.output).toContain('Number of verified signatures: 1');
    expect(one.output).toContain('Subject: /O=Signet/CN=Signet PE ec-p384');
    expect(one.output).not.toContain('Signet PE rsa-2048');
    expect(one.code).toBe(0);
    // Replacing gives the same file as signing the unsigned one: the old table is gone entirely.
    expect((await readFile(replaced)).length).toBeLessThan((await readFile(nested)).length);
  });

  it('nests beside a signature osslsigncode made, and both verify', async () => {
    const theirs = join(fx.dir, 'ossl-signed.exe');
    const cert = await osslSign(fx.dir, 'ossl', 'rsa', fx.files['pe32-exe'], theirs);
    const both = join(fx.dir, 'ossl-and-ours.exe');
    await signAuthenticode(await fx.signer('ec-p256'), { input: theirs, output: both }, { nested: true });
    const bundle = join(fx.dir, 'both-cas.pem');
    await writeFile(bundle, Buffer.concat([await readFile(fx.caPem), await readFile(cert)]));
    const verified = await osslVerify(both, bundle);
    expect(verified.output, verified.output).toContain('Number of verified signatures: 2');
    expect(verified.output).toContain('/CN=osslsigncode signer');
    expect(verified.code).toBe(0);
  });

  it('signs in place, reporting progress up to the image size', async () => {
    const file = join(fx.dir, 'in-place.exe');
    await copyFile(fx.files['pe32-exe'], file);
    const progress: Array<[number, number]> = [];
    await signAuthenticode(
      await fx.signer('ec-p256'),
      { input: file, output: file },
      { onProgress: (done, total) => progress.push([done, total]) },
    );
    const size = (await readFile(fx.files['pe32-exe'])).length;
    expect(progress.at(-1)).toEqual([size, size]);
    expect((await osslVerify(file, fx.caPem)).code).toBe(0);
  });

  it('is detected by osslsigncode when one byte changes after signing', async () => {
    const output = join(fx.dir, 'tampered.exe');
    await signAuthenticode(await fx.signer('rsa-2048'), { input: fx.files['pe32+-exe'], output });
    const bytes = await readFile(output);
    bytes[0x600] = bytes[0x600]! ^ 0x01;
    await writeFile(output, bytes);
    const verified = await osslVerify(output, fx.caPem);
    expect(verified.code).not.toBe(0);
    expect(verified.output).toMatch(/mismatch|failed/i);
  });

  describe('refuses, with a typed error and nothing written', () => {
    it('a file that is not a PE', async () => {
      const input = join(fx.dir, 'not-pe.bin');
      await writeFile(input, Buffer.alloc(4096, 7));
      const before = await snapshot(fx.dir);
      const error = await signAuthenticode(await fx.signer('ec-p256'), {
        input,
        output: join(fx.dir, 'out.exe'),
      }).catch((e: unknown) => e);
      expect(isSignetError(error, 'INVALID_FORMAT')).toBe(true);
      expect(await snapshot(fx.dir)).toEqual(before);
    });

    it('a truncated PE', async () => {
      const input = join(fx.dir, 'truncated.exe');
      const bytes = await readFile(fx.files['pe32-exe']);
      await writeFile(input, bytes.subarray(0, bytes.length >> 1));
      const error = await signAuthenticode(await fx.signer('ec-p256'), {
        input,
        output: join(fx.dir, 'out.exe'),
      }).catch((e: unknown) => e);
      expect(isSignetError(error, 'INVALID_FORMAT')).toBe(true);
    });

    it('an RSASSA-PSS signer, which Authenticode verifiers reject', async () => {
      const soft = (await fx.signer('rsa-2048')).key;
      const signer = await createSigner(fx.soft, soft.uri, { algorithm: 'rsa-pss-sha256' });
      const error = await signAuthenticode(signer, {
        input: fx.files['pe32-exe'],
        output: join(fx.dir, 'pss.exe'),
      }).catch((e: unknown) => e);
      expect(isSignetError(error, 'UNSUPPORTED_ALGORITHM')).toBe(true);
    });

    it('an aborted signal', async () => {
      const before = await snapshot(fx.dir);
      const error = await signAuthenticode(
        await fx.signer('ec-p256'),
        { input: fx.files['pe32-exe'], output: join(fx.dir, 'aborted.exe') },
        { signal: AbortSignal.abort() },
      ).catch((e: unknown) => e);
      expect(isSignetError(error, 'ABORTED')).toBe(true);
      expect(await snapshot(fx.dir)).toEqual(before);
    });

    it('a missing input', async () => {
      const error = await signAuthenticode(await fx.signer('ec-p256'), {
        input: join(fx.dir, 'missing.exe'),
        output: join(fx.dir, 'out.exe'),
      }).catch((e: unknown) => e);
      expect(isSignetError(error, 'IO_ERROR')).toBe(true);
    });
  });
});
