import { SignetError } from '../../errors/errors.js';

/**
 * OpenPGP times are 4-octet Unix seconds (until 2106).
 *
 * @throws SignetError `INVALID_ARGUMENT` for an invalid date or one outside that range.
 */
export function pgpSeconds(date: Date, what: string): number {
  const ms = date instanceof Date ? date.getTime() : NaN;
  const seconds = Math.floor(ms / 1000);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 0xffffffff) {
    throw new SignetError('INVALID_ARGUMENT', `${what} must be a date between 1970 and 2106`, {
      details: { [what]: String(date) },
    });
  }
  return seconds;
}
