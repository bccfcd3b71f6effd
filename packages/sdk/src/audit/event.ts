import { SignetError } from '../errors/errors.js';
import { isPlainObject } from './canonical-json.js';
import { isHex } from './hex.js';

/** What an audit event is about. */
export type AuditEventType = 'signature' | 'decision' | 'approval' | 'key' | 'policy' | 'admin';

/** Every {@link AuditEventType}, in a stable order. */
export const AUDIT_EVENT_TYPES: readonly AuditEventType[] = Object.freeze([
  'signature',
  'decision',
  'approval',
  'key',
  'policy',
  'admin',
]);

/** One event to record, as the engine, the server or an admin tool hands it over. */
export interface AuditEventInput {
  readonly type: AuditEventType;
  /** Who did it, as `issuer|subject` (e.g. `https://token.actions.githubusercontent.com|repo:acme/app`). */
  readonly actor: string;
  /** The facts, JSON data only (see `canonicalJson`): key URI, digests, decision, reasons. */
  readonly data: Readonly<Record<string, unknown>>;
  /** When it happened. Default: when `append` was called. */
  readonly at?: Date;
}

/**
 * One record of the log, as stored and exported. Its canonical JSON (UTF-8) is the Merkle leaf,
 * and `prev` chains it to the record before, so an offline verifier can name the first bad one.
 */
export interface AuditRecord {
  /** Position in the log, from 0, without gaps. */
  readonly index: number;
  /** ISO 8601 time, e.g. `2025-11-27T07:40:00.000Z`. */
  readonly time: string;
  /** Hex leaf hash of record `index - 1`; {@link GENESIS_PREV} for record 0. */
  readonly prev: string;
  readonly type: AuditEventType;
  readonly actor: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A record with its canonical JSON, the exact text that was hashed: what a store keeps. */
export interface StoredRecord {
  readonly record: AuditRecord;
  /** `canonicalJson(record)`, one line, no newline. */
  readonly json: string;
}

/** The `prev` of record 0: 32 zero bytes in hex. */
export const GENESIS_PREV: string = '0'.repeat(64);

const KEYS = ['actor', 'data', 'index', 'prev', 'time', 'type'];
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Whether `time` is an ISO 8601 UTC time with a four-digit year, as records carry. */
export function isIsoTime(time: unknown): time is string {
  return typeof time === 'string' && ISO_TIME.test(time);
}

/**
 * Parses one line of an audit log and checks its shape: exactly the six fields, each of its type.
 * It does not check the chain; the log and the verifier do.
 *
 * @throws SignetError `INVALID_FORMAT` naming the first bad field.
 * @example const record = parseRecord(line);
 */
export function parseRecord(json: string): AuditRecord {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new SignetError('INVALID_FORMAT', 'An audit record is not JSON', { cause });
  }
  if (!isPlainObject(value)) throw bad('is not a JSON object');
  const keys = Object.keys(value).sort();
  if (keys.join() !== KEYS.join()) throw bad(`has the fields ${keys.join(', ')}, not ${KEYS.join(', ')}`);
  const r = value as Record<keyof AuditRecord, unknown>;
  if (!Number.isSafeInteger(r.index) || (r.index as number) < 0) throw bad('index is not a non-negative integer');
  if (!isIsoTime(r.time)) throw bad('time is not an ISO 8601 UTC time');
  if (!isHex(r.prev, 32)) throw bad('prev is not 32 bytes of lower-case hex');
  if (!AUDIT_EVENT_TYPES.includes(r.type as AuditEventType)) throw bad(`type "${String(r.type)}" is unknown`);
  if (typeof r.actor !== 'string') throw bad('actor is not a string');
  if (!isPlainObject(r.data)) throw bad('data is not an object');
  return value as unknown as AuditRecord;
}

function bad(why: string): SignetError {
  return new SignetError('INVALID_FORMAT', `An audit record ${why}`);
}
