import { SignetError } from '@signet/sdk';
import {
  AUDIT_EVENT_TYPES,
  canonicalJson,
  hashLeaf,
  toHex,
  type AuditEventInput,
  type AuditRecord,
} from '@signet/sdk/audit';

/*
 * The SDK's record rules, from its public pieces: a record is `{ index, time, prev, type, actor,
 * data }` and its leaf is the RFC 6962 hash of `canonicalJson(record)`. The SDK's own sealing code
 * is internal; building the record object and encoding it with the same `canonicalJson` yields the
 * same bytes (the SDK holds its fast path equal to this by a property test), and the tests here
 * check the result with the SDK's `verifyAuditExport`.
 */

/** An event checked and timed on arrival, so a bad event fails only its own caller. */
export interface PreparedEvent {
  readonly type: AuditRecord['type'];
  readonly actor: string;
  readonly data: Record<string, unknown>;
  readonly time: string;
}

/** A record ready to insert: the exact JSON that is hashed, and its leaf hash. */
export interface SealedRecord {
  readonly record: AuditRecord;
  readonly json: string;
  readonly leafHash: Uint8Array;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** @throws SignetError `INVALID_ARGUMENT` naming what is wrong with the event. */
export function prepareEvent(input: AuditEventInput, now: () => Date): PreparedEvent {
  if (typeof input !== 'object' || input === null) throw invalid('An audit event must be an object');
  if (!AUDIT_EVENT_TYPES.includes(input.type)) throw invalid(`Unknown audit event type "${String(input.type)}"`);
  if (typeof input.actor !== 'string' || input.actor === '') throw invalid('An audit event needs an actor');
  const at = input.at ?? now();
  const time = at instanceof Date && !Number.isNaN(at.getTime()) ? at.toISOString() : '';
  if (!ISO_TIME.test(time)) throw invalid('Audit event time is not a valid Date between the years 0 and 9999');
  // Encoded once here to refuse what JSON cannot carry; parsed back so data is exactly what is stored.
  const data = JSON.parse(canonicalJson(input.data)) as Record<string, unknown>;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw invalid('Audit event data must be an object');
  return { type: input.type, actor: input.actor, data, time };
}

/** Seals events as records `size`, `size + 1`, … after the record whose leaf hash is `prev`. */
export function sealRecords(events: readonly PreparedEvent[], size: number, prev: string): SealedRecord[] {
  const sealed: SealedRecord[] = [];
  for (const { type, actor, data, time } of events) {
    const record: AuditRecord = { index: size + sealed.length, time, prev, type, actor, data };
    const json = canonicalJson(record);
    const leafHash = hashLeaf(json);
    sealed.push({ record, json, leafHash });
    prev = toHex(leafHash);
  }
  return sealed;
}

function invalid(message: string): SignetError {
  return new SignetError('INVALID_ARGUMENT', message);
}
