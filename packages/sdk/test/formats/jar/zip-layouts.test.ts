import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signJar, verifyJar } from '../../../src/formats/jar/index.js';
import { bufferSource } from '../../../src/formats/jar/byte-source.js';
import { readZipDirectory } from '../../../src/formats/jar/zip-directory.js';
import { createSigningKeys, entryBytes, entryNames, type SigningKeys } from './fixture.js';
import { buildZip, writeRepeatedEntryZip, type BuildEntry } from './zip-builder.js';

const MANIFEST = 'Manifest-Version: 1.0\r\n\r\n';

describe('signJar on ZIP layouts the jar tool does not write', () => {
  let keys: SigningKeys;

  beforeAll(async () => {
    keys = await createSigningKeys('signet-zip-');
  });

  /** Signs, then checks with jarsigner (quietly for a huge JAR, whose listing runs to megabytes) and verifyJar. */
  async function signAndVerify(name: string, zip: Buffer, huge = false): Promise<string> {
    const input = join(keys.dir, `${name}.jar`);
    const output = join(keys.dir, `${name}-signed.jar`);
    await writeFile(input, zip);
    await signJar(await keys.signer('ecdsa-p256-sha256'), { input, output });
    const result = await keys.jarsignerVerify(output, !huge);
    expect(result.output).toContain('jar verified.');
    expect(result.code, result.output.slice(-2000)).toBe(0);
    if (!huge) expect((await verifyJar(output)).signers).toHaveLength(1);
    return output;
  }

  it('reads stored and deflated entries, data descriptors with and without signature, and ZIP64 extra fields', async () => {
    const entries: BuildEntry[] = [
      { name: 'META-INF/MANIFEST.MF', data: MANIFEST },
      { name: 'a/stored.txt', data: 'stored bytes', method: 0 },
      { name: 'a/deflated.txt', data: 'deflated '.repeat(100) },
      { name: 'b/descriptor-signed.txt', data: 'descriptor with signature', descriptor: 'signed' },
      { name: 'b/descriptor-bare.txt', data: 'descriptor without signature', descriptor: 'unsigned' },
      { name: 'c/zip64.txt', data: 'sizes in a ZIP64 field', zip64: true },
      { name: 'c/empty.txt', data: '' },
      { name: 'c/', data: '', method: 0 },
    ];
    const output = await signAndVerify('layouts', buildZip(entries, { comment: 'kept comment' }));
    const names = await entryNames(output);
    expect(names.slice(0, 3)).toEqual(['META-INF/MANIFEST.MF', 'META-INF/EC-P256.SF', 'META-INF/EC-P256.EC']);
    expect(names.slice(3)).toEqual(entries.slice(1).map((e) => e.name));
    expect((await readFile(output)).subarray(-12).toString()).toBe('kept comment');
  });

  it('reads a data descriptor with 8-byte sizes for a small entry (which Java streams cannot read)', async () => {
    const input = join(keys.dir, 'wide-descriptor.jar');
    const output = join(keys.dir, 'wide-descriptor-signed.jar');
    const data = '8-byte descriptor sizes';
    await writeFile(input, buildZip([{ name: 'z/wide.txt', data, zip64: true, descriptor: 'signed' }]));
    await signJar(await keys.signer('ecdsa-p256-sha256'), { input, output });
    expect((await verifyJar(output)).entries).toBe(1);
    expect((await entryBytes(output, 'z/wide.txt')).toString()).toBe(data);
  });

  it('reads an archive with a launcher script before it, and leaves the script out', async () => {
    const prefix = Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n');
    const zip = buildZip([{ name: 'run/Main.class', data: 'main' }], { prefix, zip64End: true });
    const output = await signAndVerify('prefixed', zip);
    expect((await readFile(output)).subarray(0, 4).readUInt32LE(0)).toBe(0x04034b50);
  });

  it('reads and writes ZIP64 end records for more than 65,535 entries', async () => {
    const count = 65_600; // just past what 16 bits count
    const entries = Array.from({ length: count }, (_, i): BuildEntry => ({
      name: `d${i % 100}/f${i}.txt`,
      data: String(i),
      method: 0,
    }));
    const output = await signAndVerify('zip64', buildZip(entries), true);
    const signed = await readFile(output);
    const directory = await readZipDirectory(bufferSource(signed));
    expect(directory.entries).toHaveLength(count + 3); // the manifest, .SF and block are new
    expect(signed.readUInt32LE(signed.length - 22 - 20)).toBe(0x07064b50);
  }, 120_000); // jarsigner alone takes 5 s over 65,600 entries, far more on a busy machine

  it('streams a 384 MiB entry through memory that does not grow with it', async () => {
    const input = join(keys.dir, 'huge.jar');
    const output = join(keys.dir, 'huge-signed.jar');
    await writeRepeatedEntryZip(input, 'data/huge.bin', randomBytes(1 << 20), 384);
    const used = () => {
      const m = process.memoryUsage();
      return m.arrayBuffers + m.heapUsed;
    };
    const before = used();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, used())), 1);
    try {
      await signJar(await keys.signer('ecdsa-p256-sha256'), { input, output });
    } finally {
      clearInterval(sampler);
    }
    // A third of the entry at most, garbage not yet collected included (about 30 MiB measured).
    expect((peak - before) / 2 ** 20).toBeLessThan(128);
    expect((await verifyJar(output)).entries).toBe(1);
    await Promise.all([rm(input), rm(output)]);
  });
});
