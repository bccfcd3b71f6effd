import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { digestAttribute, hashOfDigestAttribute } from './digest-names.js';
import { appendAttribute, newSection, rewriteSection, type ManifestSection } from './manifest.js';

/** The hashes an entry must be read with: ours, and those of the digests its section already has. */
export function hashesFor(section: ManifestSection | undefined, hash: HashAlgorithm): HashAlgorithm[] {
  const found = (section?.attributes ?? []).map((a) => hashOfDigestAttribute(a.name));
  return [...new Set([hash, ...found.filter((h): h is HashAlgorithm => h !== undefined)])];
}

/**
 * An entry's manifest section once it carries a digest of the entry, changed as little as possible
 * so that other signers' signatures over it still hold:
 * - no section: a new one with `Name` and our digest;
 * - a SHA-2 digest that matches the entry already stands: the section as it is (Java checks every
 *   digest a section holds, whichever signer asked for it);
 * - none: our digest appended after its last line;
 * - one that no longer matches (the entry changed since): the section rewritten with correct values.
 */
export function withEntryDigest(
  section: ManifestSection | undefined,
  name: string,
  hash: HashAlgorithm,
  digests: ReadonlyMap<HashAlgorithm, Uint8Array>,
): ManifestSection {
  const value = (h: HashAlgorithm) => Buffer.from(digests.get(h)!).toString('base64');
  const ours = { name: digestAttribute(hash), value: value(hash) };
  if (!section) return newSection([{ name: 'Name', value: name }, ours]);
  const strong = section.attributes.filter((a) => hashOfDigestAttribute(a.name));
  const stale = strong.some(
    (a) => !Buffer.from(a.value, 'base64').equals(digests.get(hashOfDigestAttribute(a.name)!)!),
  );
  if (!stale) return strong.length > 0 ? section : appendAttribute(section, ours);
  const updated = section.attributes.map((a) => {
    const h = hashOfDigestAttribute(a.name);
    return h ? { name: a.name, value: value(h) } : a;
  });
  const hasOurs = updated.some((a) => hashOfDigestAttribute(a.name) === hash);
  return rewriteSection(section, hasOurs ? updated : [...updated, ours]);
}
