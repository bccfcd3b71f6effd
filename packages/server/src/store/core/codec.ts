import type { ApprovalRecord, Decision } from '@signet/sdk/policy';
import type { Principal, SigningRequest, SigningResult } from '@signet/sdk/signing';

/*
 * How the engine's values become column values and back. JSON has no bytes and no dates, so:
 * request digests are hex (as audited and shown to approvers), signatures and certificates base64
 * (half the size of hex for the larger values), dates ISO 8601 strings inside JSON and epoch
 * milliseconds in time columns. Every decoder rebuilds plain `Uint8Array`s (not `Buffer`s) and
 * `Date`s, so a value read back equals the value written.
 */

/** A time column's value: PostgreSQL returns `bigint` as a string, SQLite as a number. */
export function fromMillis(value: number | string | bigint): Date {
  return new Date(Number(value));
}

const hex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const base64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const bytes = (text: string, encoding: 'hex' | 'base64'): Uint8Array => new Uint8Array(Buffer.from(text, encoding));

type Encoded<T, K extends keyof T, V> = Omit<T, K> & { [P in K]: V };

/** Serialises a request for the `pending_requests.request` column: digests as hex. */
export function encodeRequest(request: SigningRequest): string {
  return JSON.stringify({ ...request, items: request.items.map((item) => ({ ...item, digest: hex(item.digest) })) });
}

/** The inverse of {@link encodeRequest}. */
export function decodeRequest(text: string): SigningRequest {
  const json = JSON.parse(text) as Encoded<
    SigningRequest,
    'items',
    Encoded<SigningRequest['items'][number], 'digest', string>[]
  >;
  return { ...json, items: json.items.map((item) => ({ ...item, digest: bytes(item.digest, 'hex') })) };
}

/** Serialises a result for the `idempotency.result` column: signatures and certificates base64. */
export function encodeResult(result: SigningResult): string {
  return JSON.stringify({
    ...result,
    signatures: result.signatures.map((s) => ({ ...s, signature: base64(s.signature) })),
    certificates: result.certificates.map(base64),
  });
}

/** The inverse of {@link encodeResult}. */
export function decodeResult(text: string): SigningResult {
  type Json = Omit<SigningResult, 'signatures' | 'certificates'> & {
    signatures: Encoded<SigningResult['signatures'][number], 'signature', string>[];
    certificates: string[];
  };
  const json = JSON.parse(text) as Json;
  return {
    ...json,
    signatures: json.signatures.map((s) => ({ ...s, signature: bytes(s.signature, 'base64') })),
    certificates: json.certificates.map((c) => bytes(c, 'base64')),
  };
}

/** Serialises a decision; a pending decision's `expiresAt` becomes an ISO string. */
export function encodeDecision(decision: Decision): string {
  return JSON.stringify(decision);
}

/** The inverse of {@link encodeDecision}. */
export function decodeDecision(text: string): Decision {
  const json = JSON.parse(text) as Decision & { expiresAt?: string };
  if (json.effect === 'pending' && json.expiresAt !== undefined)
    return { ...json, expiresAt: new Date(json.expiresAt) };
  return json;
}

/** An approval as stored: its row values without the generated `seq`. */
export interface ApprovalRow {
  fingerprint: string;
  /** `Principal` as JSON. */
  approver: string;
  decision: 'approve' | 'deny';
  at: number | string;
  comment: string | null;
}

/** An approval's row values. */
export function encodeApproval(record: ApprovalRecord): ApprovalRow & { at: number } {
  const { fingerprint, approver, decision, at, comment } = record;
  return { fingerprint, approver: JSON.stringify(approver), decision, at: at.getTime(), comment: comment ?? null };
}

/** The inverse of {@link encodeApproval}; a `null` comment is left out, as it was never given. */
export function decodeApproval(row: ApprovalRow): ApprovalRecord {
  const { fingerprint, approver, decision, at, comment } = row;
  return {
    fingerprint,
    approver: JSON.parse(approver) as Principal,
    decision,
    at: fromMillis(at),
    ...(comment === null ? {} : { comment }),
  };
}
