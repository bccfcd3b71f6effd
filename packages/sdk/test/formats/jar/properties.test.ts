import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferSource } from '../../../src/formats/jar/byte-source.js';
import { locateAll } from '../../../src/formats/jar/jar-archive.js';
import {
  appendAttribute,
  headerLine,
  newSection,
  parseManifest,
  serializeManifest,
  settleManifest,
  type ManifestAttribute,
} from '../../../src/formats/jar/manifest.js';
import { readZipDirectory } from '../../../src/formats/jar/zip-directory.js';
import { digestEntry } from '../../../src/formats/jar/zip-entry.js';
import { isSignetError } from '../../helpers/sdk.js';
import { buildZip } from './zip-builder.js';

const headerName = fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/);
/** Text of any script (multi-byte UTF-8 included), without the characters a value may not hold. */
const headerValue = fc
  .oneof(fc.string({ unit: 'grapheme', maxLength: 160 }), fc.string({ unit: 'binary', maxLength: 160 }))
  .filter((v) => !/[\r\n\0]/.test(v) && !/\p{Cs}/u.test(v)); // no line breaks, NUL or lone surrogates
const attribute = fc.record({ name: headerName, value: headerValue });
const entrySection = fc
  .tuple(
    headerValue.filter((v) => v.length > 0),
    fc.array(attribute, { maxLength: 4 }),
  )
  .map(([name, rest]): ManifestAttribute[] => [{ name: 'Name', value: name }, ...rest]);
const manifestAttributes = fc.record({
  main: fc.array(attribute, { minLength: 1, maxLength: 5 }),
  sections: fc.array(entrySection, { maxLength: 5 }),
});

function failsAsInvalidFormat(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    return isSignetError(error, 'INVALID_FORMAT');
  }
}

describe('the manifest writer', () => {
  it('wraps a header line at 72 bytes of UTF-8, continued after a space, as the JDK does', () => {
    fc.assert(
      fc.property(attribute, (a) => {
        const lines = headerLine(a).toString('latin1').split('\r\n');
        expect(lines.pop()).toBe('');
        expect(lines.every((l) => l.length <= 72)).toBe(true);
        expect(lines.slice(0, -1).every((l) => l.length === 72)).toBe(true);
        expect(lines.slice(1).every((l) => l.startsWith(' '))).toBe(true);
        const joined = Buffer.from([lines[0], ...lines.slice(1).map((l) => l.slice(1))].join(''), 'latin1');
        expect(joined.equals(Buffer.from(`${a.name}: ${a.value}`))).toBe(true);
      }),
    );
  });

  it('writes manifests the parser reads back to the same attributes and bytes', () => {
    fc.assert(
      fc.property(manifestAttributes, ({ main, sections }) => {
        const written = { main: newSection(main), sections: sections.map((s) => newSection(s)) };
        const bytes = serializeManifest(settleManifest(written));
        const read = parseManifest(bytes);
        expect(read.main.attributes).toEqual(main);
        expect(read.sections.map((s) => s.attributes)).toEqual(sections);
        expect(read.sections.map((s) => s.name)).toEqual(sections.map((s) => s[0]!.value));
        expect(serializeManifest(read).equals(bytes)).toBe(true);
      }),
    );
  });
});

describe('the manifest parser', () => {
  /** A manifest as other tools write it: any line break, blank lines between sections, maybe none at the end. */
  const foreignManifest = fc
    .tuple(
      manifestAttributes,
      fc.constantFrom('\r\n', '\n', '\r'),
      fc.array(fc.nat(2), { minLength: 6, maxLength: 6 }),
      fc.boolean(),
    )
    .map(([{ main, sections }, nl, gaps, endsBlank]) => {
      const text = (attrs: ManifestAttribute[]) =>
        attrs.map((a) => headerLine(a, nl).toString('latin1')).join('') as string;
      const parts = [main, ...sections].map((s, i) => text(s) + nl + nl.repeat(gaps[i] ?? 0));
      let all = parts.join('');
      if (!endsBlank) all = all.slice(0, all.length - nl.length * (1 + (gaps[sections.length] ?? 0)));
      return Buffer.from(all, 'latin1');
    });

  it('keeps every byte of a manifest it does not change', () => {
    fc.assert(
      fc.property(foreignManifest, (bytes) => {
        expect(serializeManifest(parseManifest(bytes)).equals(bytes)).toBe(true);
      }),
    );
  });

  it('adds an attribute after a section without touching the bytes before it', () => {
    fc.assert(
      fc.property(foreignManifest, attribute, (bytes, extra) => {
        const manifest = parseManifest(bytes);
        const last = manifest.sections.length - 1;
        if (last < 0) return;
        const section = manifest.sections[last]!;
        const changed = appendAttribute(section, extra);
        const text = section.bytes.toString('latin1').replace(/(\r\n|\n|\r)*$/, '');
        expect(changed.bytes.toString('latin1').startsWith(text)).toBe(true);
        const reread = parseManifest(
          serializeManifest(settleManifest({ ...manifest, sections: [...manifest.sections.slice(0, last), changed] })),
        );
        expect(reread.sections[last]!.attributes).toEqual([...section.attributes, extra]);
      }),
    );
  });

  it('reads any bytes or refuses them as INVALID_FORMAT', () => {
    const lines = fc
      .array(fc.oneof(headerValue, fc.constantFrom('', ' x', 'Name: a', 'A: b', ':', 'é: x')), { maxLength: 12 })
      .map((l) => Buffer.from(l.join('\n')));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), lines), (bytes) => {
        expect(failsAsInvalidFormat(() => parseManifest(bytes))).toBe(true);
      }),
    );
  });
});

describe('the ZIP reader', () => {
  const base = buildZip([
    { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\n\r\n' },
    { name: 'a/stored.txt', data: 'stored', method: 0 },
    { name: 'a/deflated.txt', data: 'deflated '.repeat(50) },
    { name: 'b/descriptor.txt', data: 'with a descriptor', descriptor: 'signed' },
    { name: 'b/zip64.txt', data: 'zip64 fields', zip64: true },
  ]);

  /** Reads the directory and every entry's bytes, as signJar does. */
  async function readAll(bytes: Uint8Array): Promise<void> {
    const source = bufferSource(bytes);
    const directory = await readZipDirectory(source);
    const extents = await locateAll(source, directory);
    for (const entry of directory.entries) await digestEntry(source, entry, extents.get(entry)!, ['sha256']);
  }

  async function readsOrRefuses(bytes: Uint8Array): Promise<void> {
    await readAll(bytes).catch((error: unknown) => {
      if (!isSignetError(error, 'INVALID_FORMAT')) throw error;
    });
  }

  it('reads the intact archive', async () => {
    await readAll(base);
  });

  it('refuses entries that overlap, as ZIP bombs make them', async () => {
    const bytes = buildZip([
      { name: 'a/first.txt', data: 'first', method: 0 },
      { name: 'a/second.txt', data: 'second', method: 0 },
    ]);
    const central = bytes.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
    bytes.writeUInt32LE(bytes.readUInt32LE(central + 20) + 30, central + 20); // the first runs into the second
    const source = bufferSource(bytes);
    const directory = await readZipDirectory(source);
    await expect(locateAll(source, directory)).rejects.toSatisfy((e) => isSignetError(e, 'INVALID_FORMAT'));
  });

  it('refuses random bytes as INVALID_FORMAT, never with another error', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), readsOrRefuses));
  });

  it('reads a damaged archive or refuses it as INVALID_FORMAT', async () => {
    const damage = fc.oneof(
      fc
        .array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 })
        .map((flips) => {
          const bytes = Buffer.from(base);
          for (const [at, x] of flips) bytes[at] = bytes[at]! ^ x;
          return bytes;
        }),
      fc.nat(base.length - 1).map((n) => base.subarray(0, n)),
      fc
        .tuple(fc.nat(base.length), fc.uint8Array({ minLength: 1, maxLength: 64 }))
        .map(([at, junk]) => Buffer.concat([base.subarray(0, at), junk, base.subarray(at)])),
    );
    await fc.assert(fc.asyncProperty(damage, readsOrRefuses), { numRuns: 500 });
  });
});
