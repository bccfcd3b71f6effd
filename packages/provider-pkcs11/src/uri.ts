import { SignetError } from '@signet/sdk';
import { shown } from './errors.js';

/** The object classes a `type=` attribute names (RFC 7512 §2.3). */
export type Pkcs11ObjectType = 'public' | 'private' | 'cert' | 'secret-key' | 'data';

/**
 * A parsed RFC 7512 `pkcs11:` URI: the path attributes, decoded. Every attribute is optional; a
 * present one must match, an absent one matches anything.
 */
export interface Pkcs11Uri {
  libraryManufacturer?: string;
  libraryDescription?: string;
  libraryVersion?: { major: number; minor: number };
  slotManufacturer?: string;
  slotDescription?: string;
  slotId?: number;
  /** Token manufacturer (CK_TOKEN_INFO.manufacturerID). */
  manufacturer?: string;
  model?: string;
  /** Token serial number, as the token prints it. */
  serial?: string;
  /** Token label. */
  token?: string;
  /** Object label (CKA_LABEL). */
  object?: string;
  type?: Pkcs11ObjectType;
  /** Object identifier (CKA_ID), raw bytes. */
  id?: Uint8Array;
}

type TextField = Exclude<keyof Pkcs11Uri, 'libraryVersion' | 'slotId' | 'type' | 'id'>;

/** Attribute names in canonical order: library, slot, token, then object. */
const ATTRIBUTES = [
  ['library-manufacturer', 'libraryManufacturer'],
  ['library-description', 'libraryDescription'],
  ['library-version', 'libraryVersion'],
  ['slot-manufacturer', 'slotManufacturer'],
  ['slot-description', 'slotDescription'],
  ['slot-id', 'slotId'],
  ['manufacturer', 'manufacturer'],
  ['model', 'model'],
  ['serial', 'serial'],
  ['token', 'token'],
  ['object', 'object'],
  ['type', 'type'],
  ['id', 'id'],
] as const satisfies readonly (readonly [string, keyof Pkcs11Uri])[];

const FIELD_OF: ReadonlyMap<string, keyof Pkcs11Uri> = new Map(ATTRIBUTES);
const TYPES: readonly string[] = ['public', 'private', 'cert', 'secret-key', 'data'];
/** pk11-pchar: unreserved, the reserved characters RFC 7512 lets a path value carry, or %XX. */
const PCHAR_VALUE = /^(?:[A-Za-z0-9\-._~:[\]@!$'()*+,=&]|%[0-9A-Fa-f]{2})*$/;
const UNRESERVED = /[A-Za-z0-9\-._~]/;
const MAX_LENGTH = 8192;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(uri: unknown, reason: string): SignetError {
  return new SignetError('INVALID_KEY_URI', `${shown(uri)} is not a valid pkcs11: key URI: ${reason}`, {
    details: { reason },
  });
}

/**
 * Parses an RFC 7512 `pkcs11:` URI. The query component is refused, not ignored: `pin-value` and
 * `pin-source` would put a secret (or a path to one) into a key name that policies, API requests
 * and the audit log carry, and `module-path`/`module-name` would let a key name choose which
 * library the server loads. Both come from the provider's configuration instead. Vendor (`x-`)
 * and unknown attributes are refused too: a constraint we cannot check must not match silently.
 *
 * @throws SignetError `INVALID_KEY_URI` for anything else than a well-formed URI; never a foreign error.
 * @example parsePkcs11Uri('pkcs11:token=ci;object=release;id=%01').id // Uint8Array [1]
 */
export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (typeof uri !== 'string') throw invalid(uri, 'not a string');
  if (uri.length > MAX_LENGTH) throw invalid(uri, `longer than ${MAX_LENGTH} characters`);
  if (uri.slice(0, 7).toLowerCase() !== 'pkcs11:') throw invalid(uri, 'the scheme must be "pkcs11:"');
  const rest = uri.slice(7);
  if (rest.includes('#')) throw invalid(uri, 'a key URI has no fragment');
  if (rest.includes('?')) {
    throw invalid(uri, 'query attributes (pin-value, pin-source, module-path, module-name) are not accepted');
  }
  const parsed: Pkcs11Uri = {};
  if (rest === '') return parsed;
  for (const part of rest.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw invalid(uri, `"${part}" is not an attribute=value pair`);
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    const field = FIELD_OF.get(name);
    if (!field) throw invalid(uri, `unknown or unsupported attribute "${name}"`);
    if (parsed[field] !== undefined) throw invalid(uri, `attribute "${name}" appears more than once`);
    if (!PCHAR_VALUE.test(value)) throw invalid(uri, `the value of "${name}" has characters that must be %-encoded`);
    setField(parsed, field, decodeBytes(value), uri, name);
  }
  return parsed;
}

function setField(target: Pkcs11Uri, field: keyof Pkcs11Uri, bytes: Uint8Array, uri: string, name: string): void {
  if (field === 'id') {
    target.id = bytes;
    return;
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalid(uri, `the value of "${name}" is not UTF-8`);
  }
  if (field === 'type') {
    if (!TYPES.includes(text)) throw invalid(uri, `type must be one of ${TYPES.join(', ')}`);
    target.type = text as Pkcs11ObjectType;
  } else if (field === 'slotId') {
    if (!/^\d{1,15}$/.test(text)) throw invalid(uri, 'slot-id must be a decimal number');
    target.slotId = Number(text);
  } else if (field === 'libraryVersion') {
    const match = /^(\d{1,9})(?:\.(\d{1,9}))?$/.exec(text);
    if (!match) throw invalid(uri, 'library-version must be MAJOR[.MINOR]');
    target.libraryVersion = { major: Number(match[1]), minor: Number(match[2] ?? 0) };
  } else {
    target[field as TextField] = text;
  }
}

function decodeBytes(value: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '%') {
      out.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(value.charCodeAt(i)); // ASCII only: PCHAR_VALUE has checked it
    }
  }
  return Uint8Array.from(out);
}

/**
 * Formats a URI in the canonical form this provider returns: attributes in a fixed order (library,
 * slot, token, object), text values UTF-8 with every byte outside RFC 3986 `unreserved`
 * %-encoded (upper-case hex), `id` %-encoded byte by byte. `parsePkcs11Uri(formatPkcs11Uri(u))`
 * gives `u` back.
 *
 * @example formatPkcs11Uri({ token: 'ci', object: 'release' }) // 'pkcs11:token=ci;object=release'
 */
export function formatPkcs11Uri(uri: Pkcs11Uri): string {
  const parts: string[] = [];
  for (const [name, field] of ATTRIBUTES) {
    const value = uri[field];
    if (value === undefined) continue;
    parts.push(`${name}=${formatValue(field, value)}`);
  }
  return `pkcs11:${parts.join(';')}`;
}

function formatValue(field: keyof Pkcs11Uri, value: NonNullable<Pkcs11Uri[keyof Pkcs11Uri]>): string {
  if (field === 'id') return [...(value as Uint8Array)].map(percent).join('');
  if (field === 'slotId') return String(value);
  if (field === 'libraryVersion') {
    const { major, minor } = value as { major: number; minor: number };
    return `${major}.${minor}`;
  }
  let out = '';
  for (const byte of Buffer.from(value as string, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : percent(byte);
  }
  return out;
}

function percent(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Canonical form of any well-formed URI. @throws SignetError `INVALID_KEY_URI` */
export function canonicalPkcs11Uri(uri: string): string {
  return formatPkcs11Uri(parsePkcs11Uri(uri));
}
