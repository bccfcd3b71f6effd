import type { JarArchive } from './jar-archive.js';
import { newSection, parseManifest, type Manifest } from './manifest.js';
import { MANIFEST_NAME } from './names.js';
import type { ZipDirectory, ZipEntry } from './zip-directory.js';
import { readEntry } from './zip-entry.js';

/** A manifest this large is not a JAR's: refuse it rather than hold it in memory. */
const MANIFEST_LIMIT = 256 << 20;

/**
 * The JAR's manifest (see {@link findManifest}). A JAR without one, or with an empty one, gets a
 * new main section.
 *
 * @throws SignetError `INVALID_FORMAT` for a manifest that does not parse or a corrupt entry.
 */
export async function readJarManifest(jar: JarArchive, createdBy: string): Promise<Manifest> {
  const entry = findManifest(jar.directory);
  const bytes = entry ? await readEntry(jar.source, entry, jar.extents.get(entry)!, MANIFEST_LIMIT) : undefined;
  if (!bytes || bytes.length === 0) {
    const main = newSection([
      { name: 'Manifest-Version', value: '1.0' },
      { name: 'Created-By', value: createdBy },
    ]);
    return { main, sections: [] };
  }
  return parseManifest(bytes);
}

/** `META-INF/MANIFEST.MF`, else the first entry that matches it ignoring case, as `JarFile` finds it. */
export function findManifest(directory: ZipDirectory): ZipEntry | undefined {
  return (
    directory.entries.find((e) => e.name === MANIFEST_NAME) ??
    directory.entries.find((e) => e.name.toUpperCase() === MANIFEST_NAME)
  );
}
