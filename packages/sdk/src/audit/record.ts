import { SignetError } from '../errors/errors.js';
import { canonicalJson, isPlainObject } from './canonical-json.js';
import { AUDIT_EVENT_TYPES, isIsoTime, type AuditEventInput, type AuditRecord, type StoredRecord } from './event.js';
import { toHex } from './hex.js';
import { hashLeaf } from './merkle.js';

/*
 * Building records in two steps: `prepareEvent` checks and encodes the caller's event when it
 * arrives (a bad event fails only its caller), and `sealRecord` adds index and prev when the batch
 * is formed, by splicing strings in canonical key order (actor, data, index, prev, time, type), so
 * the data is encoded once. A property test holds the result equal to `canonicalJson(record)`.
 */

/** An event checked and half encoded, waiting for its index. */
export interface PreparedEvent {
  readonly input: AuditEventInput;
  readonly time: string;
  readonly dataJson: string;
}

/**
 * Checks an event and encodes its data.
 *
 * @throws SignetError `INVALID_ARGUMENT` naming what is wrong.
 */
export function prepareEvent(input: AuditEventInput, now: () => Date): PreparedEvent {
  if (!isPlainObject(input)) throw invalid('An audit event must be an object');
  if (!AUDIT_EVENT_TYPES.includes(input.type)) {
    throw invalid(`Unknown audit event type "${String(input.type)}"; expected one of ${AUDIT_EVENT_TYPES.join(', ')}`);
  }
  if (typeof input.actor !== 'string' || input.actor.length === 0) {
    throw invalid('An audit event needs an actor (issuer|subject)');
  }
  if (!isPlainObject(input.data)) throw invalid('Audit event data must be a plain object');
  const at = input.at ?? now();
  const time = at instanceof Date && !Number.isNaN(at.getTime()) ? at.toISOString() : undefined;
  // Years outside 0000-9999 print as ±YYYYYY, which no reader of the log would accept back.
  if (!isIsoTime(time)) throw invalid('Audit event time is not a valid Date between the years 0 and 9999');
  return { input, time, dataJson: canonicalJson(input.data) };
}

/** The record at `index` after the record whose leaf hash is `prev`, with its JSON and leaf hash. */
export function sealRecord(
  event: PreparedEvent,
  index: number,
  prev: string,
): StoredRecord & { readonly leafHash: Uint8Array } {
  const { type, actor } = event.input;
  const json =
    `{"actor":${JSON.stringify(actor)},"data":${event.dataJson},"index":${index},` +
    `"prev":"${prev}","time":"${event.time}","type":"${type}"}`;
  // The data as stored (undefined members dropped), so what append returns equals what read returns.
  const data = JSON.parse(event.dataJson) as Record<string, unknown>;
  const record: AuditRecord = { index, time: event.time, prev, type, actor, data };
  return { record, json, leafHash: hashLeaf(json) };
}

/**
 * Seals events as the records `size`, `size + 1`, … after the record whose leaf hash is `prev`.
 * Called when a batch is formed, after the previous batch's outcome is known, so a failed write
 * leaves no hole and no duplicate: the next batch reuses the same indexes.
 */
export function sealRecords(
  events: readonly PreparedEvent[],
  size: number,
  prev: string,
): { sealed: (StoredRecord & { readonly leafHash: Uint8Array })[]; last: string } {
  const sealed = [];
  let last = prev;
  for (const event of events) {
    const record = sealRecord(event, size + sealed.length, last);
    last = toHex(record.leafHash);
    sealed.push(record);
  }
  return { sealed, last };
}

/**
 * The leaf hash of a record, or of its stored JSON line: what inclusion proofs are about.
 *
 * @example verifyInclusion(recordLeafHash(record), record.index, cp.treeSize, proof, root)
 */
export function recordLeafHash(record: AuditRecord | string): Uint8Array {
  return hashLeaf(typeof record === 'string' ? record : canonicalJson(record));
}

/**
 * {@link recordLeafHash} as hex: the `prev` of the next record.
 *
 * @example recordHash(records[4]) === records[5].prev
 */
export function recordHash(record: AuditRecord | string): string {
  return toHex(recordLeafHash(record));
}

function invalid(message: string): SignetError {
  return new SignetError('INVALID_ARGUMENT', message);
}
