import { SignetError } from '../../errors/errors.js';

/*
 * ASCII armor (RFC 9580 §6.2): a BEGIN line, optional headers, a blank line, base64 in 64-column
 * lines, `=` and the base64 CRC-24 of the data, an END line. RFC 9580 makes the checksum optional;
 * gpg 2.2 still writes it, so we do too, and we check it when present.
 */

/** The armor block types used here. */
export type PgpArmorType = 'PGP SIGNATURE' | 'PGP PUBLIC KEY BLOCK' | 'PGP MESSAGE' | 'PGP PRIVATE KEY BLOCK';

const CRC24_INIT = 0xb704ce;
const CRC24_POLY = 0x1864cfb;

/** The CRC-24 of RFC 9580 §6.1.1 (bitwise: armor is small, and clarity beats a table here). */
export function crc24(data: Uint8Array): number {
  let crc = CRC24_INIT;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= CRC24_POLY;
    }
  }
  return crc & 0xffffff;
}

/**
 * ASCII-armors binary OpenPGP data.
 *
 * @example armorPgp('PGP SIGNATURE', packet) // "-----BEGIN PGP SIGNATURE-----\n\n..."
 */
export function armorPgp(type: PgpArmorType, data: Uint8Array): string {
  const body = Buffer.from(data)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n');
  const crc = crc24(data);
  const checksum = Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
  return `-----BEGIN ${type}-----\n\n${body}=${checksum}\n-----END ${type}-----\n`;
}

/** One decoded armor block. */
export interface DearmoredPgp {
  readonly type: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: Uint8Array;
}

const BLOCK = /-----BEGIN PGP ([A-Z ,/0-9]+)-----\r?\n([\s\S]*?)-----END PGP \1-----/;

/**
 * Decodes the first armor block in `text`.
 *
 * @throws SignetError `INVALID_FORMAT` when there is no block, its base64 is damaged, or its
 * CRC-24 does not match.
 */
export function dearmorPgp(text: string): DearmoredPgp {
  const match = BLOCK.exec(text);
  if (!match) throw bad('no "-----BEGIN PGP ...-----" block');
  const lines = match[2]!.split(/\r?\n/).map((l) => l.trimEnd());
  const headers: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const header = /^([^:\s]+): ?(.*)$/.exec(lines[i]!);
    if (!header) break; // no blank line after the BEGIN line: read the body from here
    headers[header[1]!] = header[2]!;
  }
  const body: string[] = [];
  let checksum: string | undefined;
  for (const line of lines.slice(i)) {
    if (line === '') continue;
    if (line.startsWith('=') && line.length === 5) checksum = line.slice(1);
    else body.push(line);
  }
  const base64 = body.join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) throw bad('damaged base64');
  const data = new Uint8Array(Buffer.from(base64, 'base64'));
  if (checksum !== undefined) {
    const crc = Buffer.from(checksum, 'base64');
    if (crc.length !== 3 || crc.readUIntBE(0, 3) !== crc24(data)) throw bad('CRC-24 checksum does not match');
  }
  return { type: `PGP ${match[1]!}`, headers, data };
}

/** Binary OpenPGP data from armored text, or from bytes that are either armor or binary. */
export function pgpBytes(input: string | Uint8Array): Uint8Array {
  if (typeof input === 'string') return dearmorPgp(input).data;
  // A binary packet stream starts with a header octet (bit 7 set); armor starts with ASCII.
  if (input.length > 0 && input[0]! & 0x80) return input;
  return dearmorPgp(Buffer.from(input).toString('latin1')).data;
}

function bad(reason: string): SignetError {
  return new SignetError('INVALID_FORMAT', `Not valid OpenPGP armor: ${reason}`);
}
