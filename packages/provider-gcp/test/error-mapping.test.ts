import { SignetError, type SignetErrorCode } from '@signet/sdk';
import { describe, expect, it } from 'vitest';
import { toSignetError } from '../src/errors.js';

const body = (http: number, status: string, message = 'said') =>
  JSON.stringify({ error: { code: http, message, status } });
const httpError = (status: number, text: string) => Object.assign(new Error(text), { status, code: status });

/** Each shape a failed call takes, and the code it must become. */
const CASES: [string, unknown, SignetErrorCode][] = [
  ['gax NOT_FOUND', { code: 5, message: 'x' }, 'KEY_NOT_FOUND'],
  ['gax FAILED_PRECONDITION (a disabled version)', { code: 9, message: 'x' }, 'KEY_NOT_FOUND'],
  ['gax PERMISSION_DENIED', { code: 7, message: 'x' }, 'PERMISSION_DENIED'],
  ['gax UNAUTHENTICATED', { code: 16, message: 'x' }, 'UNAUTHENTICATED'],
  ['gax RESOURCE_EXHAUSTED', { code: 8, message: 'x' }, 'THROTTLED'],
  ['gax UNAVAILABLE', { code: 14, message: 'x' }, 'UNAVAILABLE'],
  ['gax DEADLINE_EXCEEDED', { code: 4, message: 'x' }, 'UNAVAILABLE'],
  ['gax ABORTED', { code: 10, message: 'x' }, 'UNAVAILABLE'],
  ['gax INVALID_ARGUMENT', { code: 3, message: 'bad name' }, 'INVALID_ARGUMENT'],
  [
    'gax INVALID_ARGUMENT about the checksum',
    { code: 3, message: 'The checksum in field digest_crc32c did not match' },
    'UNAVAILABLE',
  ],
  ['gax CANCELLED', { code: 1, message: 'cancelled' }, 'ABORTED'],
  ['gax INTERNAL', { code: 13, message: 'x' }, 'INTERNAL'],
  ['HTTP 429 with Google body', httpError(429, body(429, 'RESOURCE_EXHAUSTED')), 'THROTTLED'],
  ['HTTP 400 FAILED_PRECONDITION body', httpError(400, body(400, 'FAILED_PRECONDITION')), 'KEY_NOT_FOUND'],
  ['HTTP 400 INVALID_ARGUMENT body', httpError(400, body(400, 'INVALID_ARGUMENT')), 'INVALID_ARGUMENT'],
  ['HTTP 403 body', httpError(403, body(403, 'PERMISSION_DENIED')), 'PERMISSION_DENIED'],
  ['HTTP 404 body', httpError(404, body(404, 'NOT_FOUND')), 'KEY_NOT_FOUND'],
  ['HTTP 503 body', httpError(503, body(503, 'UNAVAILABLE')), 'UNAVAILABLE'],
  ['HTTP 502 HTML page', httpError(502, '<html>Error 502</html>'), 'UNAVAILABLE'],
  ['HTTP 504 without body', httpError(504, ''), 'UNAVAILABLE'],
  ['HTTP 401 without body', httpError(401, ''), 'UNAUTHENTICATED'],
  ['HTTP 418 without body', httpError(418, ''), 'INTERNAL'],
  ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'UNAVAILABLE'],
  [
    'fetch failed on a closed socket',
    new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }),
    'UNAVAILABLE',
  ],
  ['a refused connection', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), 'UNAVAILABLE'],
  ['a programming error', new TypeError('x is not a function'), 'INTERNAL'],
  ['a thrown string', 'boom', 'INTERNAL'],
];

describe('Cloud KMS errors become SignetErrors', () => {
  it.each(CASES)('%s', (_, error, code) => {
    const mapped = toSignetError(
      error,
      'sign with',
      'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1',
    );
    expect(mapped).toBeInstanceOf(SignetError);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(error);
    expect(mapped.retryable).toBe(code === 'THROTTLED' || code === 'UNAVAILABLE');
    expect(mapped.details.resource).toContain('cryptoKeyVersions/1');
  });

  it("keeps Google's message and status", () => {
    const mapped = toSignetError(httpError(400, body(400, 'FAILED_PRECONDITION', 'is DISABLED')), 'sign with', 'k');
    expect(mapped.message).toContain('is DISABLED');
    expect(mapped.details).toMatchObject({ status: 'FAILED_PRECONDITION', httpStatus: 400 });
  });

  it('passes a SignetError through unchanged', () => {
    const error = new SignetError('ABORTED', 'aborted');
    expect(toSignetError(error, 'sign with', 'k')).toBe(error);
  });
});
