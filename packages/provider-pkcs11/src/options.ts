import { readFile } from 'node:fs/promises';
import { SignetError, type RetryOptions } from '@signet/sdk';

/** Options of {@link createPkcs11Provider}. */
export interface Pkcs11ProviderOptions {
  /** Path of the PKCS#11 module (shared library), e.g. `/usr/lib/softhsm/libsofthsm2.so`. Required. */
  module: string;
  /** Label of the token to use. Give it, `tokenSerial`, or both. */
  token?: string;
  /** Serial number of the token, to pick one of several with the same label. */
  tokenSerial?: string;
  /**
   * The user PIN. Default: none, for a token without CKF_LOGIN_REQUIRED. Kept in memory to log in
   * again after the token or module was reset; a PIN the token refuses is never tried twice.
   */
  pin?: string;
  /** Sessions in the pool, so signatures in flight at once. Default 4 (libuv's thread pool size). */
  sessions?: number;
  /**
   * Retries of retryable failures (`THROTTLED`, `UNAVAILABLE`: a busy or reset token), with
   * exponential backoff and full jitter. Default `{ attempts: 4, baseDelayMs: 50, maxDelayMs: 2000 }`.
   */
  retry?: Omit<RetryOptions, 'signal'>;
}

/** The environment variable the PIN comes from when no `pinEnv` or `pinFile` is configured. */
export const DEFAULT_PIN_ENV = 'SIGNET_PKCS11_PIN';

const KNOWN = new Set(['module', 'token', 'tokenSerial', 'pinEnv', 'pinFile', 'sessions', 'retry']);
const RETRY_KNOWN = new Set(['attempts', 'baseDelayMs', 'maxDelayMs']);

/**
 * Reads plain options (a configuration file's section) into {@link Pkcs11ProviderOptions}, with the
 * PIN from the environment: the variable named by `pinEnv` (default `SIGNET_PKCS11_PIN`), or the
 * file named by `pinFile` (its first line). A `pin` in the options themselves is refused, so that
 * no PIN ends up in a configuration file.
 *
 * @throws SignetError `INVALID_ARGUMENT` naming every option that is wrong; `IO_ERROR` when the PIN
 * file cannot be read.
 */
export async function parsePkcs11Options(
  input: unknown,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Pkcs11ProviderOptions> {
  const problems: string[] = [];
  const o = (typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {}) as Record<
    string,
    unknown
  >;
  if (o !== input) problems.push('the options must be an object');
  for (const key of Object.keys(o)) {
    if (key === 'pin')
      problems.push('pin: never put the PIN in the configuration; use SIGNET_PKCS11_PIN, pinEnv or pinFile');
    else if (!KNOWN.has(key)) problems.push(`${key}: unknown option`);
  }
  const text = (key: string, required = false): string | undefined => {
    const value = o[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') problems.push(`${key}: must be a non-empty string`);
    return typeof value === 'string' ? value : undefined;
  };
  const module = text('module', true);
  const token = text('token');
  const tokenSerial = text('tokenSerial');
  const pinEnv = text('pinEnv');
  const pinFile = text('pinFile');
  if (token === undefined && tokenSerial === undefined) problems.push('token or tokenSerial: one is required');
  if (pinEnv !== undefined && pinFile !== undefined) problems.push('pinEnv and pinFile: give one, not both');
  const sessions = integer(o.sessions, 'sessions', 1, 256, problems);
  const retry = retryOptions(o.retry, problems);
  let pin: string | undefined;
  if (pinEnv !== undefined && env[pinEnv] === undefined) problems.push(`pinEnv: the variable ${pinEnv} is not set`);
  else if (pinEnv !== undefined) pin = env[pinEnv];
  else if (pinFile === undefined) pin = env[DEFAULT_PIN_ENV];
  if (problems.length > 0) {
    throw new SignetError('INVALID_ARGUMENT', `Invalid @signet/provider-pkcs11 options: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  if (pinFile !== undefined) pin = await readPinFile(pinFile);
  return { module: module!, token, tokenSerial, pin, sessions, retry };
}

function integer(value: unknown, key: string, min: number, max: number, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${key}: must be an integer from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

function retryOptions(value: unknown, problems: string[]): Pkcs11ProviderOptions['retry'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('retry: must be an object');
    return undefined;
  }
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!RETRY_KNOWN.has(key)) problems.push(`retry.${key}: unknown option`);
  return {
    attempts: integer(r.attempts, 'retry.attempts', 1, 20, problems),
    baseDelayMs: integer(r.baseDelayMs, 'retry.baseDelayMs', 0, 60_000, problems),
    maxDelayMs: integer(r.maxDelayMs, 'retry.maxDelayMs', 0, 600_000, problems),
  };
}

async function readPinFile(path: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (cause) {
    throw new SignetError('IO_ERROR', `Cannot read the PIN file ${path}`, { cause, details: { path } });
  }
  const pin = content.split(/\r?\n/, 1)[0]!;
  if (pin === '') throw new SignetError('INVALID_ARGUMENT', `The PIN file ${path} is empty`, { details: { path } });
  return pin;
}

/** Checks typed options before anything is loaded. @throws SignetError `INVALID_ARGUMENT` */
export function checkPkcs11Options(options: Pkcs11ProviderOptions): void {
  if (typeof options?.module !== 'string' || options.module === '') {
    throw new SignetError('INVALID_ARGUMENT', 'module: the path of the PKCS#11 library is required');
  }
  if (options.token === undefined && options.tokenSerial === undefined) {
    throw new SignetError('INVALID_ARGUMENT', 'token or tokenSerial: say which token to use');
  }
  const sessions = options.sessions ?? 4;
  if (!Number.isInteger(sessions) || sessions < 1) {
    throw new SignetError('INVALID_ARGUMENT', 'sessions: must be a positive integer');
  }
}
