import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { signJar, verifyJar, type JarSignProgress } from '../../../src/formats/jar/index.js';
import { issueSelfSignedCertificate } from '../../../src/x509/index.js';
import { createSigner, isSignetError, type Signer } from '../../helpers/sdk.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';
import { buildZip } from './zip-builder.js';

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((e) => isSignetError(e) && e.code === code);
}

describe('signJar', () => {
  let dir: string;
  let signer: Signer;
  let input: string;

  beforeAll(async () => {
    dir = await tempDir('signet-jar-api-');
    const soft = await openTestStore(join(dir, 'keys'), { backend: 'portable' });
    const key = await soft.generateKey({ name: 'release.key_2026', spec: 'ec-p256' });
    const certificate = await issueSelfSignedCertificate(await createSigner(soft, key.uri), {
      subject: { commonName: 'Signet JAR API test' },
    });
    await soft.setCertificates({ key: key.uri, certificates: [certificate] });
    signer = await createSigner(soft, key.uri);
    input = join(dir, 'small.jar');
    await writeFile(
      input,
      buildZip([
        { name: 'META-INF/', data: '', method: 0 },
        { name: 'com/acme/A.class', data: 'a class' },
        { name: 'com/acme/B.class', data: 'b class', descriptor: 'signed' },
        { name: 'META-INF/SIG-NOTES', data: 'a signing-related file: not digested' },
      ]),
    );
  });

  /** No output and no temporary file in `dir` other than those listed. */
  async function expectNoTrace(output: string): Promise<void> {
    const names = await readdir(dir);
    expect(names).not.toContain(output);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }

  describe('the signer', () => {
    it('sees one digest: that of the .SF file signed attributes, never the JAR', async () => {
      const sign = vi.fn(signer.sign);
      const output = join(dir, 'digest-only.jar');
      const result = await signJar({ ...signer, sign }, { input, output });
      expect(sign).toHaveBeenCalledOnce();
      expect(sign.mock.calls[0]![0]).toHaveLength(32);
      expect(result).toEqual({
        entries: 2,
        signerName: 'RELEASE_',
        signatureFile: 'META-INF/RELEASE_.SF',
        blockFile: 'META-INF/RELEASE_.EC',
      });
    });
  });

  describe('its options', () => {
    it('pass the signing time to the signature block and date the new entries with it', async () => {
      const output = join(dir, 'dated.jar');
      const signingTime = new Date('2031-02-03T04:05:06Z');
      await signJar(signer, { input, output }, { name: 'dated', cms: { signingTime } });
      const { signers } = await verifyJar(output);
      expect(signers.map((s) => [s.name, s.signingTime])).toEqual([['DATED', signingTime]]);
    });

    it('report progress through both phases', async () => {
      const seen: JarSignProgress[] = [];
      await signJar(signer, { input, output: join(dir, 'progress.jar') }, { onProgress: (p) => seen.push(p) });
      expect(seen.filter((p) => p.phase === 'digest').map((p) => p.entries)).toEqual([1, 2]);
      expect(seen.filter((p) => p.phase === 'write').map((p) => p.entries)).toEqual([1, 2, 3, 4]);
      expect(seen.map((p) => p.total)).toEqual([2, 2, 4, 4, 4, 4]);
    });
  });

  describe('refuses', () => {
    it('a key without a certificate, before reading the JAR', async () => {
      const sign = vi.fn(signer.sign);
      const bare = { ...signer, key: { ...signer.key, certificates: [] }, sign };
      await expectCode(
        signJar(bare, { input: join(dir, 'missing.jar'), output: join(dir, 'x.jar') }),
        'INVALID_CERTIFICATE',
      );
      expect(sign).not.toHaveBeenCalled();
    });

    it.each(['', 'NINECHARS', 'bad.name', 'ünï'])('the signer name %j', async (name) => {
      await expectCode(signJar(signer, { input, output: join(dir, 'named.jar') }, { name }), 'INVALID_ARGUMENT');
      await expectNoTrace('named.jar');
    });

    it('a missing input as IO_ERROR', async () => {
      await expectCode(signJar(signer, { input: join(dir, 'missing.jar'), output: join(dir, 'out.jar') }), 'IO_ERROR');
      await expectNoTrace('out.jar');
    });

    it('an output in a missing folder as IO_ERROR, leaving nothing behind', async () => {
      await expectCode(signJar(signer, { input, output: join(dir, 'no', 'such', 'out.jar') }), 'IO_ERROR');
      await expectNoTrace('out.jar');
    });

    it('an output that is a folder as IO_ERROR', async () => {
      await expectCode(signJar(signer, { input, output: dir }), 'IO_ERROR');
      await expectNoTrace('');
    });

    it('to go on once aborted', async () => {
      const controller = new AbortController();
      const output = join(dir, 'aborted.jar');
      const onProgress = (p: JarSignProgress) => p.phase === 'write' && controller.abort();
      await expectCode(signJar(signer, { input, output }, { signal: controller.signal, onProgress }), 'ABORTED');
      await expectNoTrace('aborted.jar');
    });

    describe('a file that is not a JAR, as INVALID_FORMAT, leaving no output', () => {
      const cases: [string, () => Promise<Buffer>][] = [
        ['empty', async () => Buffer.alloc(0)],
        ['text', async () => Buffer.from('not a zip at all\n'.repeat(10))],
        ['truncated', async () => (await readFile(input)).subarray(0, 60)],
        [
          'with a corrupt entry',
          async () => {
            const bytes = Buffer.from(await readFile(input));
            const at = bytes.indexOf('com/acme/A.class') + 'com/acme/A.class'.length + 1;
            bytes[at] = bytes[at]! ^ 0xff;
            return bytes;
          },
        ],
        [
          'with two entries of one name',
          async () =>
            buildZip([
              { name: 'x/A.class', data: '1' },
              { name: 'x/A.class', data: '2' },
            ]),
        ],
        ['with a line break in a name', async () => buildZip([{ name: 'x/A\r\nSHA-256-Digest: x', data: '1' }])],
        [
          'whose local header names another file',
          async () => {
            const bytes = buildZip([{ name: 'x/A.class', data: '1' }]);
            bytes[30 + 2] = 'B'.charCodeAt(0); // the local name becomes x/B.class
            return bytes;
          },
        ],
        [
          'with a malformed manifest',
          async () => buildZip([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version 1.0\r\n\r\n' }]),
        ],
        ['with an encrypted entry', async () => encrypted()],
      ];
      it.each(cases)('%s', async (label, make) => {
        const file = join(dir, `bad-${label.replace(/\W+/g, '-')}.jar`);
        await writeFile(file, await make());
        const output = `out-${label.replace(/\W+/g, '-')}.jar`;
        await expectCode(signJar(signer, { input: file, output: join(dir, output) }), 'INVALID_FORMAT');
        await expectNoTrace(output);
      });
    });
  });
});

/** A ZIP whose one entry has the encryption flag set (in both headers). */
function encrypted(): Buffer {
  const bytes = buildZip([{ name: 'x/A.class', data: '1' }]);
  bytes.writeUInt16LE(bytes.readUInt16LE(6) | 1, 6);
  const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bytes.writeUInt16LE(bytes.readUInt16LE(central + 8) | 1, central + 8);
  return bytes;
}
