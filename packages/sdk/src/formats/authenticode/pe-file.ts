import { open } from 'node:fs/promises';
import { SignetError } from '../../errors/errors.js';
import { fileReadError } from '../../digest/read-chunks.js';

/** WIN_CERTIFICATE revision and type of an Authenticode signature (PE/COFF §5.2). */
export const WIN_CERT_REVISION_2_0 = 0x0200;
export const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;

/** What signing a PE needs to know about its layout; offsets are file offsets. */
export interface PeLayout {
  readonly size: number;
  readonly kind: 'PE32' | 'PE32+';
  /** The optional header's CheckSum field (4 bytes), left out of the digest. */
  readonly checksumOffset: number;
  /** The certificate table's data directory entry (8 bytes), left out of the digest. */
  readonly certificateEntryOffset: number;
  /** Where the certificate table starts and how long it is; 0/0 for an unsigned file. */
  readonly certificateTable: { readonly offset: number; readonly size: number };
  /** Where hashed data ends: the certificate table's start, or the file's end. */
  readonly end: number;
}

/** Enough for the DOS, COFF and optional headers and a few hundred section headers. */
const HEADER_BYTES = 64 * 1024;

/**
 * Reads the headers of a PE image (PE32 or PE32+) and checks what the signing format relies on:
 * a certificate table, if present, sits after all section data at the end of the file.
 *
 * @throws SignetError `INVALID_FORMAT` for anything that is not such a PE, `IO_ERROR`.
 */
export async function readPeLayout(path: string): Promise<PeLayout> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw fileReadError(path, cause);
  }
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(size, HEADER_BYTES));
    await handle.read(head, 0, head.length, 0);
    return parsePeHeaders(head, size);
  } catch (cause) {
    if (cause instanceof SignetError) throw cause;
    throw fileReadError(path, cause);
  } finally {
    await handle.close();
  }
}

/**
 * Parses PE headers from the first bytes of a file of `size` bytes (pure: the property tests feed
 * it random bytes).
 *
 * @throws SignetError `INVALID_FORMAT`
 */
export function parsePeHeaders(head: Uint8Array, size: number): PeLayout {
  const view = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const need = (end: number, what: string) => {
    if (end > view.length || end > size) throw invalid(`the file ends inside its ${what}`);
  };
  need(64, 'DOS header');
  if (view.readUInt16LE(0) !== 0x5a4d) throw invalid('it does not start with MZ');
  const pe = view.readUInt32LE(0x3c);
  need(pe + 24, 'COFF header');
  if (view.readUInt32LE(pe) !== 0x00004550) throw invalid('it has no PE signature');
  const sections = view.readUInt16LE(pe + 6);
  const optionalSize = view.readUInt16LE(pe + 20);
  const optional = pe + 24;
  need(optional + 2, 'optional header');
  const magic = view.readUInt16LE(optional);
  if (magic !== 0x10b && magic !== 0x20b) throw invalid(`its optional header magic is 0x${magic.toString(16)}`);
  const kind = magic === 0x10b ? 'PE32' : 'PE32+';
  const directories = optional + (kind === 'PE32' ? 96 : 112);
  need(directories, 'optional header');
  const directoryCount = view.readUInt32LE(directories - 4);
  if (directoryCount < 5 || directories + 40 > optional + optionalSize)
    throw invalid('its optional header has no certificate table entry');
  need(directories + 40, 'data directories');
  const certificateEntryOffset = directories + 4 * 8;
  const tableOffset = view.readUInt32LE(certificateEntryOffset);
  const tableSize = view.readUInt32LE(certificateEntryOffset + 4);
  const sectionTable = optional + optionalSize;
  need(sectionTable + sections * 40, 'section table');
  const headersEnd = view.readUInt32LE(optional + 60);
  let dataEnd = Math.max(headersEnd, sectionTable + sections * 40);
  for (let i = 0; i < sections; i++) {
    const header = sectionTable + i * 40;
    const rawSize = view.readUInt32LE(header + 16);
    const rawOffset = view.readUInt32LE(header + 20);
    if (rawSize > 0) dataEnd = Math.max(dataEnd, rawOffset + rawSize);
  }
  if (dataEnd > size) throw invalid('its sections reach past the end of the file');
  if (tableOffset === 0 && tableSize === 0)
    return {
      size,
      kind,
      checksumOffset: optional + 64,
      certificateEntryOffset,
      certificateTable: { offset: 0, size: 0 },
      end: size,
    };
  // Our digest (like Windows' and osslsigncode's) covers everything before the table, so a table
  // anywhere but at the end of the file, after all section data, would hide unsigned bytes.
  if (tableOffset < dataEnd || tableOffset + tableSize !== size || tableSize < 8)
    throw invalid('its certificate table is not at the end of the file');
  return {
    size,
    kind,
    checksumOffset: optional + 64,
    certificateEntryOffset,
    certificateTable: { offset: tableOffset, size: tableSize },
    end: tableOffset,
  };
}

/** The PKCS#7 SignedData blobs of a certificate table, in order. */
export function readCertificateTable(table: Uint8Array): Uint8Array[] {
  const view = Buffer.from(table.buffer, table.byteOffset, table.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at + 8 <= view.length;) {
    const length = view.readUInt32LE(at);
    if (length < 8 || at + length > view.length) throw invalid('its certificate table is corrupt');
    if (
      view.readUInt16LE(at + 4) === WIN_CERT_REVISION_2_0 &&
      view.readUInt16LE(at + 6) === WIN_CERT_TYPE_PKCS_SIGNED_DATA
    )
      out.push(withoutPadding(view.subarray(at + 8, at + length)));
    at += (length + 7) & ~7;
  }
  return out;
}

/** A DER SEQUENCE without the zeros that pad it to 8 bytes in its WIN_CERTIFICATE. */
function withoutPadding(blob: Uint8Array): Uint8Array {
  if (blob.length < 2 || blob[0] !== 0x30) throw invalid('its certificate table holds no PKCS#7 signature');
  let length = blob[1]!;
  let at = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || blob.length < 2 + count) throw invalid('its PKCS#7 signature has a bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + blob[2 + i]!;
    at += count;
  }
  if (at + length > blob.length) throw invalid('its PKCS#7 signature runs past its certificate table entry');
  return blob.subarray(0, at + length);
}

/** Reads `length` bytes at `offset` of a file. */
export async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
    const out = Buffer.alloc(length);
    const { bytesRead } = await handle.read(out, 0, length, offset);
    if (bytesRead !== length) throw invalid('the file changed while it was read');
    return out;
  } catch (cause) {
    if (cause instanceof SignetError) throw cause;
    throw fileReadError(path, cause);
  } finally {
    await handle?.close();
  }
}

export function invalid(why: string): SignetError {
  return new SignetError('INVALID_FORMAT', `Not a PE file Signet can sign: ${why}`);
}
