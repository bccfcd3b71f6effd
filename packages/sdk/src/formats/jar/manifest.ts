import { SignetError } from '../../errors/errors.js';

/*
 * The JAR manifest format (JAR File Specification, "Manifest Specification"), as Java reads and
 * digests it. A signature covers sections byte for byte, so a section keeps the exact bytes it was
 * read with; only the sections Signet changes are written again. Where a section starts and ends
 * follows the JDK's ManifestDigester: it runs through the blank line that ends it, and blank lines
 * after that belong to no section.
 */

export interface ManifestAttribute {
  readonly name: string;
  readonly value: string;
}

export interface ManifestSection {
  /** The section's bytes: its lines and the blank line that ends it (absent at the end of the file). */
  readonly bytes: Buffer;
  /** Further blank lines before the next section; they are outside every digest. */
  readonly gap: Buffer;
  /** The attributes in order; an entry section's first is `Name`. */
  readonly attributes: readonly ManifestAttribute[];
  /** The entry the section describes; undefined for the main section. */
  readonly name?: string;
  /** The line break the section uses, kept when a line is added to it. */
  readonly newline: string;
}

export interface Manifest {
  /** The main section (`Manifest-Version`, or `Signature-Version` in a signature file). */
  readonly main: ManifestSection;
  /** The entry sections, in file order; a name may appear more than once. */
  readonly sections: readonly ManifestSection[];
}

const CRLF = '\r\n';
const MAX_LINE = 72;
const HEADER_NAME = /^[A-Za-z0-9_-]{1,70}$/;
const TEXT = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a manifest or signature file. A missing line break after the last line is supplied.
 *
 * @throws SignetError `INVALID_FORMAT` for an empty file, a leading blank line, a malformed header
 * line, an entry section that does not start with `Name`, or text that is not UTF-8.
 */
export function parseManifest(input: Uint8Array): Manifest {
  let bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length === 0) throw invalid('it is empty');
  const last = bytes[bytes.length - 1];
  if (last !== 0x0a && last !== 0x0d) bytes = Buffer.concat([bytes, Buffer.from(CRLF)]);
  const sections: ManifestSection[] = [];
  let start = -1;
  let gapStart = -1;
  const close = (end: number, gapEnd: number) => {
    sections.push(parseSection(bytes.subarray(start, end), bytes.subarray(end, gapEnd), sections.length === 0));
  };
  for (const line of lines(bytes)) {
    const blank = line.contentEnd === line.start;
    if (!blank && start >= 0 && gapStart >= 0) {
      close(gapStart, line.start);
      start = -1;
    }
    if (blank) {
      if (start < 0) throw invalid('it starts with a blank line');
      if (gapStart < 0) gapStart = line.end;
    } else if (start < 0) {
      start = line.start;
      gapStart = -1;
    }
  }
  if (start >= 0) close(gapStart >= 0 ? gapStart : bytes.length, bytes.length);
  const [main, ...rest] = sections;
  return { main: main!, sections: rest };
}

/**
 * The manifest with a blank line after every section but the last, as it must be for the sections
 * to follow one another. Digests are taken over the settled sections.
 */
export function settleManifest(manifest: Manifest): Manifest {
  const { main, sections } = manifest;
  const last = sections.length - 1;
  return {
    main: last >= 0 ? terminated(main) : main,
    sections: sections.map((s, i) => (i < last ? terminated(s) : s)),
  };
}

/** The manifest's bytes: every section and gap in order (settle it first, see {@link settleManifest}). */
export function serializeManifest(manifest: Manifest): Buffer {
  return Buffer.concat([manifest.main, ...manifest.sections].flatMap((s) => [s.bytes, s.gap]));
}

/**
 * A section that ends with a blank line, so another can follow. Only the last section of a file
 * may lack one; adding the line changes its bytes, hence its digest.
 */
export function terminated(section: ManifestSection): ManifestSection {
  if (endsWithBlankLine(section.bytes)) return section;
  return { ...section, bytes: Buffer.concat([section.bytes, Buffer.from(section.newline)]) };
}

/** A new section of these attributes, CRLF line breaks, lines wrapped at 72 bytes. */
export function newSection(attributes: readonly ManifestAttribute[], newline = CRLF): ManifestSection {
  const bytes = Buffer.concat([...attributes.map((a) => headerLine(a, newline)), Buffer.from(newline)]);
  const name = attributes[0]?.name.toLowerCase() === 'name' ? attributes[0].value : undefined;
  return { bytes, gap: Buffer.alloc(0), attributes, newline, ...(name === undefined ? {} : { name }) };
}

/** The section with one more attribute at its end; the bytes before it stay as they were. */
export function appendAttribute(section: ManifestSection, attribute: ManifestAttribute): ManifestSection {
  const base = terminated(section).bytes;
  const blank = base.subarray(base.length - (base.subarray(-2).toString('latin1') === CRLF ? 2 : 1));
  const bytes = Buffer.concat([
    base.subarray(0, base.length - blank.length),
    headerLine(attribute, section.newline),
    blank,
  ]);
  return { ...section, bytes, attributes: [...section.attributes, attribute] };
}

/** The section written anew with these attributes (when a value must change), keeping its line breaks. */
export function rewriteSection(section: ManifestSection, attributes: readonly ManifestAttribute[]): ManifestSection {
  return { ...newSection(attributes, section.newline), gap: section.gap };
}

/** The value of an attribute (names are case-insensitive), or undefined. */
export function attributeValue(section: ManifestSection, name: string): string | undefined {
  const lower = name.toLowerCase();
  return section.attributes.find((a) => a.name.toLowerCase() === lower)?.value;
}

/**
 * One header line as the JDK writes it (`Manifest.println72`): at most 72 bytes of UTF-8 per line,
 * continued on lines that start with a space. Lines break between bytes, even inside a character:
 * readers join the bytes before decoding them.
 *
 * @throws SignetError `INVALID_ARGUMENT` for a bad header name or a value with a line break or NUL.
 */
export function headerLine(attribute: ManifestAttribute, newline = CRLF): Buffer {
  if (!HEADER_NAME.test(attribute.name)) {
    throw new SignetError('INVALID_ARGUMENT', `A manifest header name must match ${HEADER_NAME.source}`);
  }
  if (/[\r\n\0]/.test(attribute.value)) {
    throw new SignetError('INVALID_ARGUMENT', `The manifest value of ${attribute.name} holds a line break or NUL`);
  }
  const line = `${attribute.name}: ${attribute.value}`;
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= MAX_LINE) return Buffer.from(line + newline, 'utf8');
  const nl = Buffer.from(newline);
  const parts = [bytes.subarray(0, MAX_LINE)];
  for (let at = MAX_LINE; at < bytes.length; at += MAX_LINE - 1) {
    parts.push(nl, Buffer.from(' '), bytes.subarray(at, at + MAX_LINE - 1));
  }
  parts.push(nl);
  return Buffer.concat(parts);
}

interface Line {
  start: number;
  /** End of the text, before the line break. */
  contentEnd: number;
  /** After the line break. */
  end: number;
}

/** Lines ended by CRLF, LF or CR, as `java.util.jar.Manifest` reads them. */
function* lines(bytes: Buffer): Generator<Line> {
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x0a && b !== 0x0d) continue;
    const end = b === 0x0d && bytes[i + 1] === 0x0a ? i + 2 : i + 1;
    yield { start, contentEnd: i, end };
    start = end;
    i = end - 1;
  }
}

function parseSection(bytes: Buffer, gap: Buffer, main: boolean): ManifestSection {
  const logical: Buffer[][] = [];
  let newline = CRLF;
  for (const line of lines(bytes)) {
    if (line.contentEnd === line.start) break; // the blank line that ends the section
    if (logical.length === 0) newline = bytes.subarray(line.contentEnd, line.end).toString('latin1');
    const text = bytes.subarray(line.start, line.contentEnd);
    if (text[0] === 0x20) {
      if (logical.length === 0) throw invalid('a section starts with a continuation line');
      logical[logical.length - 1]!.push(text.subarray(1));
    } else {
      logical.push([text]);
    }
  }
  const attributes = logical.map((parts) => parseHeader(Buffer.concat(parts)));
  const first = attributes[0];
  if (!main && first?.name.toLowerCase() !== 'name') throw invalid('an entry section does not start with Name');
  return {
    bytes,
    gap,
    attributes,
    newline,
    ...(main ? {} : { name: first!.value }),
  };
}

function parseHeader(bytes: Buffer): ManifestAttribute {
  let text: string;
  try {
    text = TEXT.decode(bytes);
  } catch (cause) {
    throw invalid('a line is not UTF-8', cause);
  }
  const colon = text.indexOf(': ');
  const name = colon < 0 ? '' : text.slice(0, colon);
  if (!HEADER_NAME.test(name)) throw invalid(`the line "${text.slice(0, 80)}" is not a "Name: value" header`);
  return { name, value: text.slice(colon + 2) };
}

/** Whether the bytes end with an empty line: a line break right before the final one. */
function endsWithBlankLine(bytes: Buffer): boolean {
  const n = bytes.length;
  const last = bytes[n - 1];
  // CRLF is one line break, so a final LF after CR takes both bytes.
  const breakLength = last === 0x0a && bytes[n - 2] === 0x0d ? 2 : last === 0x0a || last === 0x0d ? 1 : 0;
  const before = bytes[n - 1 - breakLength];
  return breakLength > 0 && (before === 0x0a || before === 0x0d);
}

function invalid(reason: string, cause?: unknown): SignetError {
  return new SignetError(
    'INVALID_FORMAT',
    `The manifest is malformed: ${reason}`,
    cause === undefined ? {} : { cause },
  );
}
