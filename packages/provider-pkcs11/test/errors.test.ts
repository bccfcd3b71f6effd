import { SignetError, withRetries } from '@signet/sdk';
import { describe, expect, it } from 'vitest';
import { recoveryFor, toSignetError } from '../src/errors.js';

/** An error shaped like pkcs11js's Pkcs11Error: message `CKR_NAME`, numeric `code`. */
function ckr(name: string, code: number): Error {
  return Object.assign(new Error(name), { name: 'Pkcs11Error', code });
}

describe('PKCS#11 errors', () => {
  it('map to the SDK codes, keeping the original as cause', () => {
    const cases: [string, number, string][] = [
      ['CKR_PIN_INCORRECT', 0xa0, 'PERMISSION_DENIED'],
      ['CKR_PIN_LOCKED', 0xa4, 'PERMISSION_DENIED'],
      ['CKR_KEY_FUNCTION_NOT_PERMITTED', 0x68, 'PERMISSION_DENIED'],
      ['CKR_KEY_TYPE_INCONSISTENT', 0x63, 'ALGORITHM_KEY_MISMATCH'],
      ['CKR_MECHANISM_INVALID', 0x70, 'UNSUPPORTED_ALGORITHM'],
      ['CKR_SESSION_COUNT', 0xb1, 'THROTTLED'],
      ['CKR_DEVICE_MEMORY', 0x31, 'THROTTLED'],
      ['CKR_DEVICE_REMOVED', 0x32, 'UNAVAILABLE'],
      ['CKR_TOKEN_NOT_PRESENT', 0xe0, 'UNAVAILABLE'],
      ['CKR_SESSION_HANDLE_INVALID', 0xb3, 'UNAVAILABLE'],
      ['CKR_CRYPTOKI_NOT_INITIALIZED', 0x190, 'UNAVAILABLE'],
      ['CKR_GENERAL_ERROR', 0x05, 'INTERNAL'],
    ];
    for (const [name, value, code] of cases) {
      const original = ckr(name, value);
      const mapped = toSignetError(original, 'Signing');
      expect(mapped.code, name).toBe(code);
      expect(mapped.cause).toBe(original);
      expect(mapped.details.ckr).toBe(name);
    }
    expect(toSignetError(new TypeError('boom'), 'Signing').code).toBe('INTERNAL');
    const own = new SignetError('KEY_NOT_FOUND', 'x');
    expect(toSignetError(own, 'Signing')).toBe(own);
  });

  it('say how to recover from a reset token, session or module', () => {
    expect(recoveryFor(ckr('CKR_OBJECT_HANDLE_INVALID', 0x82))).toBe('handles');
    expect(recoveryFor(ckr('CKR_USER_NOT_LOGGED_IN', 0x101))).toBe('handles');
    expect(recoveryFor(ckr('CKR_SESSION_CLOSED', 0xb0))).toBe('sessions');
    expect(recoveryFor(ckr('CKR_DEVICE_REMOVED', 0x32))).toBe('sessions');
    expect(recoveryFor(ckr('CKR_CRYPTOKI_NOT_INITIALIZED', 0x190))).toBe('module');
    expect(recoveryFor(ckr('CKR_PIN_INCORRECT', 0xa0))).toBeUndefined();
    expect(recoveryFor(new Error('CKR_SESSION_CLOSED'))).toBeUndefined(); // no code: not pkcs11js's
  });

  it('are retried only when retryable: a wrong PIN is never tried twice', async () => {
    for (const [name, value, calls] of [
      ['CKR_PIN_INCORRECT', 0xa0, 1],
      ['CKR_KEY_TYPE_INCONSISTENT', 0x63, 1],
      ['CKR_SESSION_COUNT', 0xb1, 3],
      ['CKR_DEVICE_REMOVED', 0x32, 3],
    ] as const) {
      let made = 0;
      await expect(
        withRetries(
          async () => {
            made++;
            throw toSignetError(ckr(name, value), 'Signing');
          },
          { attempts: 3, baseDelayMs: 1 },
        ),
      ).rejects.toBeInstanceOf(SignetError);
      expect(made, name).toBe(calls);
    }
  });
});
