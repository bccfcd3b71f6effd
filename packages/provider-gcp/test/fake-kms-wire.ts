import type { ServerResponse } from 'node:http';

/*
 * The wire details of Cloud KMS's REST surface that the fake needs: Google's error body, enums as
 * names or numbers (`$alt=json;enum-encoding=int`, which the Node client always asks for), and
 * CRC32C written independently of the provider's table-driven one (bit by bit).
 */

/** Enum numbers from google/cloud/kms/v1/resources.proto. */
export const ENUMS = {
  algorithm: {
    GOOGLE_SYMMETRIC_ENCRYPTION: 1,
    RSA_SIGN_PSS_2048_SHA256: 2,
    RSA_SIGN_PSS_3072_SHA256: 3,
    RSA_SIGN_PSS_4096_SHA256: 4,
    RSA_SIGN_PKCS1_2048_SHA256: 5,
    RSA_SIGN_PKCS1_3072_SHA256: 6,
    RSA_SIGN_PKCS1_4096_SHA256: 7,
    EC_SIGN_P256_SHA256: 12,
    EC_SIGN_P384_SHA384: 13,
    RSA_SIGN_PSS_4096_SHA512: 15,
    RSA_SIGN_PKCS1_4096_SHA512: 16,
    EC_SIGN_ED25519: 40,
  },
  state: { ENABLED: 1, DISABLED: 2, DESTROYED: 3, DESTROY_SCHEDULED: 4, PENDING_GENERATION: 5 },
  purpose: { ENCRYPT_DECRYPT: 1, ASYMMETRIC_SIGN: 5, ASYMMETRIC_DECRYPT: 6 },
  protectionLevel: { SOFTWARE: 1, HSM: 2 },
} as const;

export type AlgorithmName = keyof typeof ENUMS.algorithm;
export type StateName = keyof typeof ENUMS.state;
export type PurposeName = keyof typeof ENUMS.purpose;

/** An enum value as the request asked for it: its number, or its name. */
export function enumValue<T extends Record<string, number>>(table: T, name: keyof T & string, numeric: boolean) {
  return numeric ? table[name] : name;
}

/** Google's error body: `{"error":{"code":404,"message":"...","status":"NOT_FOUND"}}`. */
export function sendError(res: ServerResponse, http: number, status: string, message: string, details?: unknown[]) {
  sendJson(res, http, { error: { code: http, message, status, ...(details ? { details } : {}) } });
}

export function sendJson(res: ServerResponse, http: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(http, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A failed request, thrown by handlers and written by the server. */
export class WireError extends Error {
  constructor(
    readonly http: number,
    readonly status: string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new WireError(400, 'INVALID_ARGUMENT', message);
export const notFound = (message: string) => new WireError(404, 'NOT_FOUND', message);
export const precondition = (message: string) => new WireError(400, 'FAILED_PRECONDITION', message);
export const denied = (permission: string, resource: string) =>
  new WireError(
    403,
    'PERMISSION_DENIED',
    `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'cloudkms.googleapis.com',
        metadata: { permission, resource },
      },
    ],
  );

/** CRC32C (Castagnoli), bit by bit. */
export function crc32cBitwise(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Strict standard or URL-safe base64, as proto3 JSON bytes. */
export function decodeBytes(value: unknown, field: string): Buffer {
  if (
    typeof value !== 'string' ||
    !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value) ||
    value.replace(/=+$/, '').length % 4 === 1
  ) {
    throw invalid(`Invalid value at '${field}' (TYPE_BYTES), Base64 decoding failed for "${String(value)}"`);
  }
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** An Int64Value in proto3 JSON: a decimal string (or a number). */
export function decodeInt64(value: unknown, field: string): bigint {
  if ((typeof value === 'string' && /^-?\d+$/.test(value)) || (typeof value === 'number' && Number.isInteger(value))) {
    return BigInt(value);
  }
  throw invalid(`Invalid value at '${field}' (TYPE_INT64), "${String(value)}"`);
}
