import { appendFile, copyFile, cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signJar, verifyJar } from '../../../src/formats/jar/index.js';
import { getAlgorithm, isSignetError } from '../../helpers/sdk.js';
import {
  ALGORITHMS,
  createJarFixture,
  entryBytes,
  entryNames,
  LARGE_ENTRIES,
  NESTED_MANIFEST,
  run,
  UTF8_PATH,
  type JarFixture,
} from './fixture.js';

describe('a JAR signed by signJar', () => {
  let fx: JarFixture;

  beforeAll(async () => {
    fx = await createJarFixture();
  });

  describe.each(ALGORITHMS.map(([id]) => [id] as const))('with a %s key', (id) => {
    it('passes jarsigner -verify -strict: nested folders, already signed by jarsigner, and 10,000 entries', async () => {
      const signer = await fx.signer(id);
      const extension = getAlgorithm(id).keyType === 'rsa' ? 'RSA' : 'EC';
      const outputs: string[] = [];
      for (const [kind, input] of Object.entries(fx.jars)) {
        const output = join(fx.dir, `${kind}-${id}.jar`);
        const result = await signJar(signer, { input, output });
        expect(result.blockFile).toBe(`META-INF/${result.signerName}.${extension}`);
        if (kind === 'large') expect(result.entries).toBe(LARGE_ENTRIES);
        outputs.push(output);
      }
      const verified = await Promise.all(outputs.map((jar) => fx.jarsignerVerify(jar)));
      for (const [i, result] of verified.entries()) {
        expect(result.output, outputs[i]).toContain('jar verified.');
        expect(result.code, result.output.slice(-2000)).toBe(0);
      }
      const [nested, presigned] = verified;
      expect(nested!.output).toContain(`Signed by "CN=Signet JAR ${signer.key.spec}"`);
      expect(presigned!.output).toContain('Signed by "CN=Signet JAR presigner"');
      expect(presigned!.output).toContain(`Signed by "CN=Signet JAR ${signer.key.spec}"`);

      const ours = await verifyJar(outputs[1]!, { trustedCertificates: [fx.caCertificate] });
      expect(ours.signers.map((s) => [s.name, s.signer.subject, s.trusted])).toEqual([
        [signer.key.spec.toUpperCase(), `CN=Signet JAR ${signer.key.spec}`, true],
        ['PRESIGNE', 'CN=Signet JAR presigner', true],
      ]);
      expect(ours.signers.find((s) => s.name !== 'PRESIGNE')!.algorithm.id).toBe(id);
    });
  });

  describe('its manifest', () => {
    it('keeps the main attributes and entry attributes, and adds a digest after them', async () => {
      const output = join(fx.dir, 'manifest-kept.jar');
      await signJar(await fx.signer('ecdsa-p256-sha256'), { input: fx.jars.nested, output });
      const before = (await entryBytes(fx.jars.nested, 'META-INF/MANIFEST.MF')).toString('utf8');
      const after = (await entryBytes(output, 'META-INF/MANIFEST.MF')).toString('utf8');
      const mainSection = before.slice(0, before.indexOf('\r\n\r\n') + 4);
      expect(mainSection).toContain('Main-Class: com.acme.app.App\r\n');
      expect(after.startsWith(mainSection)).toBe(true);
      expect(NESTED_MANIFEST).toContain('X-Signet-Test');
      expect(after).toMatch(
        /\r\n\r\nName: com\/acme\/app\/App\.class\r\nX-Signet-Test: kept as it is\r\nSHA-256-Digest: [A-Za-z0-9+/=]{44}\r\n\r\n/,
      );
    });

    it('wraps lines at 72 bytes, multi-byte UTF-8 names included, as jarsigner does', async () => {
      const ours = join(fx.dir, 'wrap-ours.jar');
      const theirs = join(fx.dir, 'wrap-theirs.jar');
      await signJar(await fx.signer('ecdsa-p256-sha256'), { input: fx.jars.nested, output: ours });
      const manifest = await entryBytes(ours, 'META-INF/MANIFEST.MF');
      const lines = manifest.toString('latin1').split('\r\n');
      expect(Math.max(...lines.map((l) => l.length))).toBe(72);
      // jarsigner writes the same section, byte for byte, for an entry that had none.
      await copyFile(fx.jars.nested, theirs);
      const presigner = fx.presignerStore;
      const signed = await run('jarsigner', ['-keystore', presigner, '-storepass', 'changeit', theirs, 'presigner']);
      expect(signed.code, signed.output).toBe(0);
      const section = (m: Buffer) => {
        const text = m.toString('latin1');
        const start = text.indexOf('Name: i18n/');
        return text.slice(start, text.indexOf('\r\n\r\n', start) + 4);
      };
      const expected = section(await entryBytes(theirs, 'META-INF/MANIFEST.MF'));
      expect(expected.length).toBeGreaterThan(2 * 72);
      expect(section(manifest)).toBe(expected);
      expect(Buffer.from(UTF8_PATH).length).toBeGreaterThan(72);
    });
  });

  describe('when a JAR is already signed', () => {
    it("keeps the other signer's files as they were, after its own, and META-INF first", async () => {
      const output = join(fx.dir, 'order.jar');
      await signJar(await fx.signer('ecdsa-p384-sha384'), { input: fx.jars.presigned, output });
      const names = await entryNames(output);
      expect(names.slice(0, 5)).toEqual([
        'META-INF/MANIFEST.MF',
        'META-INF/EC-P384.SF',
        'META-INF/EC-P384.EC',
        'META-INF/PRESIGNE.SF',
        'META-INF/PRESIGNE.RSA',
      ]);
      for (const name of ['META-INF/PRESIGNE.SF', 'META-INF/PRESIGNE.RSA']) {
        expect((await entryBytes(output, name)).equals(await entryBytes(fx.jars.presigned, name))).toBe(true);
      }
      // Its SHA-256 entry digests stand, so a SHA-384 signer adds none: the manifest is unchanged.
      expect(
        (await entryBytes(output, 'META-INF/MANIFEST.MF')).equals(
          await entryBytes(fx.jars.presigned, 'META-INF/MANIFEST.MF'),
        ),
      ).toBe(true);
    });

    it('replaces a signature of the same name and adds one of another name', async () => {
      const signer = await fx.signer('ecdsa-p256-sha256');
      const once = join(fx.dir, 'once.jar');
      const twice = join(fx.dir, 'twice.jar');
      await signJar(signer, { input: fx.jars.nested, output: once }, { name: 'release' });
      await signJar(signer, { input: once, output: twice }, { name: 'RELEASE' });
      await signJar(signer, { input: twice, output: twice }, { name: 'second' });
      const names = await entryNames(twice);
      expect(names.filter((n) => n.startsWith('META-INF/RELEASE.'))).toHaveLength(2);
      expect(names.filter((n) => n.startsWith('META-INF/SECOND.'))).toHaveLength(2);
      expect((await verifyJar(twice)).signers.map((s) => s.name)).toEqual(['SECOND', 'RELEASE']);
      const verified = await fx.jarsignerVerify(twice);
      expect(verified.code, verified.output).toBe(0);
    });
  });

  describe('when an entry is changed after signing', () => {
    it('fails jarsigner -verify and verifyJar for a modified class', async () => {
      const signed = join(fx.dir, 'tamper.jar');
      await signJar(await fx.signer('rsa-pss-sha256'), { input: fx.jars.nested, output: signed });
      const changed = join(fx.dir, 'tamper-src');
      await cp(fx.nestedSources, changed, { recursive: true });
      await appendFile(join(changed, 'com/acme/app/App.class'), Buffer.from([0]));
      const updated = await run('jar', ['uf', signed, '-C', changed, 'com/acme/app/App.class']);
      expect(updated.code, updated.output).toBe(0);

      const result = await fx.jarsignerVerify(signed);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('digest error for com/acme/app/App.class');
      await expect(verifyJar(signed)).rejects.toSatisfy((e) => isSignetError(e, 'VERIFICATION_FAILED'));
    });

    it('fails both for an entry added without a signature', async () => {
      const signed = join(fx.dir, 'added.jar');
      await signJar(await fx.signer('ecdsa-p256-sha256'), { input: fx.jars.nested, output: signed });
      const extra = join(fx.dir, 'added-src');
      await mkdir(extra, { recursive: true });
      await appendFile(join(extra, 'Injected.class'), 'not signed');
      expect((await run('jar', ['uf', signed, '-C', extra, 'Injected.class'])).code).toBe(0);
      const result = await fx.jarsignerVerify(signed);
      expect(result.code).not.toBe(0);
      await expect(verifyJar(signed)).rejects.toSatisfy((e) => isSignetError(e, 'VERIFICATION_FAILED'));
    });
  });

  it('signs in place', async () => {
    const path = join(fx.dir, 'in-place.jar');
    await copyFile(fx.jars.nested, path);
    const before = await readFile(path);
    await signJar(await fx.signer('rsa-pkcs1-sha256'), { input: path, output: path });
    expect((await readFile(path)).length).toBeGreaterThan(before.length);
    expect((await verifyJar(path)).signers).toHaveLength(1);
  });
});
