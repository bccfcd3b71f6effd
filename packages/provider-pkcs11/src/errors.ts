import { SignetError, type SignetErrorCode } from '@signet/sdk';

/**
 * What the provider does about a failed PKCS#11 call before it is retried:
 * - `handles`: object handles are stale (a logout or a closed session dropped them): log in again
 *   if needed and look the key up again;
 * - `sessions`: the sessions are gone (closed, token removed or reset): open new ones and log in;
 * - `module`: the library was finalized underneath us: initialize it again, then as `sessions`.
 */
export type Recovery = 'handles' | 'sessions' | 'module';

interface Meaning {
  readonly code: SignetErrorCode;
  readonly recovery?: Recovery;
}

// CKR_* values from the PKCS#11 v2.40 headers (pkcs11t.h), named where they are mapped.
const MEANINGS: ReadonlyMap<number, Meaning> = new Map<number, Meaning>([
  [0x003 /* SLOT_ID_INVALID */, { code: 'UNAVAILABLE', recovery: 'sessions' }],
  [0x030 /* DEVICE_ERROR */, { code: 'UNAVAILABLE', recovery: 'sessions' }],
  [0x031 /* DEVICE_MEMORY */, { code: 'THROTTLED' }],
  [0x032 /* DEVICE_REMOVED */, { code: 'UNAVAILABLE', recovery: 'sessions' }],
  [0x0e0 /* TOKEN_NOT_PRESENT */, { code: 'UNAVAILABLE', recovery: 'sessions' }],
  [0x0e1 /* TOKEN_NOT_RECOGNIZED */, { code: 'UNAVAILABLE', recovery: 'sessions' }],
  [0x0b0 /* SESSION_CLOSED */, { code: 'UNAVAILABLE', recovery: 'sessions' }],
  [0x0b3 /* SESSION_HANDLE_INVALID */, { code: 'UNAVAILABLE', recovery: 'sessions' }],
  [0x190 /* CRYPTOKI_NOT_INITIALIZED */, { code: 'UNAVAILABLE', recovery: 'module' }],
  [0x082 /* OBJECT_HANDLE_INVALID */, { code: 'UNAVAILABLE', recovery: 'handles' }],
  [0x060 /* KEY_HANDLE_INVALID */, { code: 'UNAVAILABLE', recovery: 'handles' }],
  [0x101 /* USER_NOT_LOGGED_IN */, { code: 'UNAVAILABLE', recovery: 'handles' }],
  [0x0b1 /* SESSION_COUNT */, { code: 'THROTTLED' }],
  [0x090 /* OPERATION_ACTIVE */, { code: 'THROTTLED' }],
  [0x0a0 /* PIN_INCORRECT */, { code: 'PERMISSION_DENIED' }],
  [0x0a1 /* PIN_INVALID */, { code: 'PERMISSION_DENIED' }],
  [0x0a2 /* PIN_LEN_RANGE */, { code: 'PERMISSION_DENIED' }],
  [0x0a3 /* PIN_EXPIRED */, { code: 'PERMISSION_DENIED' }],
  [0x0a4 /* PIN_LOCKED */, { code: 'PERMISSION_DENIED' }],
  [0x102 /* USER_PIN_NOT_INITIALIZED */, { code: 'PERMISSION_DENIED' }],
  [0x068 /* KEY_FUNCTION_NOT_PERMITTED */, { code: 'PERMISSION_DENIED' }],
  [0x0e2 /* TOKEN_WRITE_PROTECTED */, { code: 'PERMISSION_DENIED' }],
  [0x0b5 /* SESSION_READ_ONLY */, { code: 'PERMISSION_DENIED' }],
  [0x063 /* KEY_TYPE_INCONSISTENT */, { code: 'ALGORITHM_KEY_MISMATCH' }],
  [0x021 /* DATA_LEN_RANGE */, { code: 'ALGORITHM_KEY_MISMATCH' }],
  [0x070 /* MECHANISM_INVALID */, { code: 'UNSUPPORTED_ALGORITHM' }],
  [0x071 /* MECHANISM_PARAM_INVALID */, { code: 'UNSUPPORTED_ALGORITHM' }],
  [0x062 /* KEY_SIZE_RANGE */, { code: 'UNSUPPORTED_ALGORITHM' }],
  [0x012 /* ATTRIBUTE_TYPE_INVALID */, { code: 'INVALID_ARGUMENT' }],
  [0x013 /* ATTRIBUTE_VALUE_INVALID */, { code: 'INVALID_ARGUMENT' }],
  [0x0d0 /* TEMPLATE_INCOMPLETE */, { code: 'INVALID_ARGUMENT' }],
  [0x0d1 /* TEMPLATE_INCONSISTENT */, { code: 'INVALID_ARGUMENT' }],
]);

/** The CKR_* name and number of a pkcs11js error, if it is one. */
export function pkcs11ReturnValue(error: unknown): { name: string; value: number } | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /^(CKR_[A-Z0-9_]+)/.exec(error.message);
  const value = (error as { code?: unknown }).code;
  if (!match || typeof value !== 'number') return undefined;
  return { name: match[1]!, value };
}

/** How to recover from `error` before a retry, or undefined when retrying the same way cannot help. */
export function recoveryFor(error: unknown): Recovery | undefined {
  const rv = pkcs11ReturnValue(error);
  return rv ? MEANINGS.get(rv.value)?.recovery : undefined;
}

/**
 * Translates a PKCS#11 (pkcs11js/graphene) error into a `SignetError` with a stable code, keeping
 * the original as `cause` and the CKR_* name in `details.ckr`. A `SignetError` passes unchanged.
 */
export function toSignetError(error: unknown, what: string): SignetError {
  if (error instanceof SignetError) return error;
  const rv = pkcs11ReturnValue(error);
  if (!rv)
    return new SignetError('INTERNAL', `${what} failed: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  const code = MEANINGS.get(rv.value)?.code ?? 'INTERNAL';
  return new SignetError(code, `${what} failed: ${rv.name}`, { cause: error, details: { ckr: rv.name } });
}

/** Untrusted input quoted for a message, cut short; never throws (not even for an object without a prototype). */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
