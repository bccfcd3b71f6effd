import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { digestBytes } from '../../digest/file-digest.js';
import { digestAttribute } from './digest-names.js';
import { newSection, serializeManifest, settleManifest, type Manifest } from './manifest.js';

/**
 * Builds a signer's `.SF` file over the final manifest: the digest of the whole manifest, of its
 * main section, and of each entry's section bytes as they stand in the file (the sections of a
 * name that appears twice, one after the other, as the JDK's ManifestDigester reads them).
 *
 * @returns the `.SF` bytes and the manifest bytes they describe.
 */
export function buildSignatureFile(
  manifest: Manifest,
  hash: HashAlgorithm,
  createdBy: string,
): { signatureFile: Buffer; manifestBytes: Buffer } {
  const settled = settleManifest(manifest);
  const manifestBytes = serializeManifest(settled);
  const b64 = (data: Uint8Array) => Buffer.from(digestBytes(hash, data)).toString('base64');
  const byName = new Map<string, Buffer[]>();
  for (const section of settled.sections) {
    const list = byName.get(section.name!) ?? [];
    list.push(section.bytes);
    byName.set(section.name!, list);
  }
  const main = newSection([
    { name: 'Signature-Version', value: '1.0' },
    { name: 'Created-By', value: createdBy },
    { name: digestAttribute(hash, '-Digest-Manifest'), value: b64(manifestBytes) },
    { name: digestAttribute(hash, '-Digest-Manifest-Main-Attributes'), value: b64(settled.main.bytes) },
  ]);
  const sections = [...byName].map(([name, bytes]) =>
    newSection([
      { name: 'Name', value: name },
      { name: digestAttribute(hash), value: b64(Buffer.concat(bytes)) },
    ]),
  );
  return { signatureFile: serializeManifest({ main, sections }), manifestBytes };
}
