import { describeInput } from '../algorithms/algorithms.js';
import { SignetError } from '../errors/errors.js';

const SCHEME = /^([a-z][a-z0-9+.-]*):/;

/**
 * Returns the scheme of a key URI (`soft` for `soft://release`, `pkcs11` for `pkcs11:object=x`).
 *
 * @throws SignetError `INVALID_KEY_URI` when `uri` has no scheme.
 */
export function keyUriScheme(uri: string): string {
  const match = typeof uri === 'string' ? SCHEME.exec(uri) : null;
  if (!match) {
    throw new SignetError('INVALID_KEY_URI', `${describeInput(uri)} is not a key URI (expected e.g. soft://NAME)`, {
      details: { uri: describeInput(uri) },
    });
  }
  return match[1]!;
}
