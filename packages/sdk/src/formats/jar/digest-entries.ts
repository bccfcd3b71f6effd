import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { throwIfAborted } from '../../errors/errors.js';
import { hashesFor, withEntryDigest } from './entry-section.js';
import type { JarArchive } from './jar-archive.js';
import type { Manifest, ManifestSection } from './manifest.js';
import { isDirectory, isSigningRelated } from './names.js';
import { digestEntry } from './zip-entry.js';

export interface DigestEntriesOptions {
  /** Called after each entry with the count done and the count to do. */
  onEntry?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Hashes every file of the JAR (not directories, not signature files), streaming one entry at a
 * time, and returns the manifest with a digest of each (see {@link withEntryDigest}); sections of
 * new entries come after the existing ones, in the JAR's order.
 *
 * @throws SignetError `INVALID_FORMAT` (a corrupt entry), `ABORTED`.
 */
export async function digestEntries(
  jar: JarArchive,
  manifest: Manifest,
  hash: HashAlgorithm,
  options: DigestEntriesOptions = {},
): Promise<{ manifest: Manifest; entries: number }> {
  const sections: ManifestSection[] = [...manifest.sections];
  const index = new Map<string, number>();
  sections.forEach((s, i) => index.has(s.name!) || index.set(s.name!, i));
  const files = jar.directory.entries.filter((e) => !isDirectory(e.name) && !isSigningRelated(e.name));
  for (const [done, entry] of files.entries()) {
    throwIfAborted(options.signal);
    const at = index.get(entry.name);
    const section = at === undefined ? undefined : sections[at];
    const extent = jar.extents.get(entry)!;
    const digests = await digestEntry(jar.source, entry, extent, hashesFor(section, hash), options.signal);
    const updated = withEntryDigest(section, entry.name, hash, digests);
    if (at === undefined) index.set(entry.name, sections.push(updated) - 1);
    else sections[at] = updated;
    options.onEntry?.(done + 1, files.length);
  }
  return { manifest: { main: manifest.main, sections }, entries: files.length };
}
