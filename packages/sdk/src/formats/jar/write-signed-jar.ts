import type { FileHandle } from 'node:fs/promises';
import { throwIfAborted } from '../../errors/errors.js';
import type { JarArchive } from './jar-archive.js';
import { isBlockOrSignatureFile, isSigningRelated } from './names.js';
import type { ZipEntry } from './zip-directory.js';
import { chunks } from './zip-entry.js';
import { ZipWriter } from './zip-writer.js';

/** Entries this small are copied in one read (most of a JAR's); larger ones stream in chunks. */
const SMALL = 64 << 10;

export interface SignedJarContent {
  /** New files, written first and in this order: the manifest, the `.SF` file, the block file. */
  readonly files: readonly { readonly name: string; readonly content: Uint8Array }[];
  /** Uppercased names of existing entries the new files replace (whatever their case). */
  readonly replaces: ReadonlySet<string>;
  /** When the new files were made. */
  readonly modified: Date;
}

/**
 * Writes the signed JAR: the new files, then every other entry copied byte for byte (local header,
 * compressed data, descriptor), then a central directory pointing at the new offsets.
 */
export async function writeSignedJar(
  handle: FileHandle,
  jar: JarArchive,
  content: SignedJarContent,
  options: { onEntry?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<void> {
  const writer = new ZipWriter(handle);
  for (const file of content.files) await writer.addFile(file.name, file.content, content.modified);
  const kept = copyOrder(jar.directory.entries.filter((e) => !content.replaces.has(e.name.toUpperCase())));
  for (const [done, entry] of kept.entries()) {
    throwIfAborted(options.signal);
    writer.addRecord({ ...entry, offset: writer.position });
    const length = jar.extents.get(entry)!.end - entry.offset;
    if (length <= SMALL) await writer.write(await jar.source.read(entry.offset, length));
    else for await (const chunk of chunks(jar.source, entry.offset, length, options.signal)) await writer.write(chunk);
    options.onEntry?.(done + 1, kept.length);
  }
  await writer.finish(jar.directory.comment);
}

/**
 * jarsigner's order after the new files: other signers' `.SF` and block files (JarInputStream reads
 * signatures only until the first other entry), then the rest of META-INF, then everything else,
 * each in its original order.
 */
function copyOrder(entries: readonly ZipEntry[]): ZipEntry[] {
  const rank = (e: ZipEntry) => {
    const upper = e.name.toUpperCase();
    if (!upper.startsWith('META-INF/')) return 2;
    return isSigningRelated(e.name) && isBlockOrSignatureFile(upper) ? 0 : 1;
  };
  return [0, 1, 2].flatMap((r) => entries.filter((e) => rank(e) === r));
}
