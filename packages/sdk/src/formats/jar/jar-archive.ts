import { SignetError } from '../../errors/errors.js';
import { openFileSource, type ByteSource } from './byte-source.js';
import { readZipDirectory, type ZipDirectory, type ZipEntry } from './zip-directory.js';
import { locateEntry, type EntryExtent } from './zip-entry.js';

/** A JAR opened for reading: its directory and where each entry's bytes lie. */
export interface JarArchive {
  readonly source: ByteSource;
  readonly directory: ZipDirectory;
  readonly extents: ReadonlyMap<ZipEntry, EntryExtent>;
}

/**
 * Opens a JAR and locates every entry, in file order so the reads go forward. Refuses what would
 * make a signed JAR ambiguous: two entries of one name (Java would see one, a verifier the other),
 * a name a manifest line cannot hold, entries that overlap. Close `source` when done.
 *
 * @throws SignetError `INVALID_FORMAT`, `IO_ERROR`
 */
export async function openJar(path: string): Promise<JarArchive> {
  const source = await openFileSource(path);
  try {
    const directory = await readZipDirectory(source);
    return { source, directory, extents: await locateAll(source, directory) };
  } catch (error) {
    await source.close();
    throw error;
  }
}

export async function locateAll(source: ByteSource, directory: ZipDirectory): Promise<Map<ZipEntry, EntryExtent>> {
  const names = new Set<string>();
  for (const entry of directory.entries) {
    if (names.has(entry.name)) throw new SignetError('INVALID_FORMAT', `The JAR holds two entries named ${entry.name}`);
    if (entry.name === '' || /[\r\n\0]/.test(entry.name)) {
      throw new SignetError(
        'INVALID_FORMAT',
        `The JAR holds an entry whose name a manifest cannot hold: ${JSON.stringify(entry.name)}`,
      );
    }
    names.add(entry.name);
  }
  const extents = new Map<ZipEntry, EntryExtent>();
  const byOffset = [...directory.entries].sort((a, b) => a.offset - b.offset);
  let previousEnd = 0;
  for (const entry of byOffset) {
    // Entries sharing bytes are how ZIP bombs multiply their size; no tool writes them.
    if (entry.offset < previousEnd) throw new SignetError('INVALID_FORMAT', `The entry ${entry.name} overlaps another`);
    const extent = await locateEntry(source, entry, directory.directoryOffset);
    extents.set(entry, extent);
    previousEnd = extent.end;
  }
  return extents;
}
