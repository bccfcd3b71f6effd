import { SignetError } from '../../errors/errors.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes standard or URL-safe base64 (DSSE allows either), refusing anything else: Node's decoder
 * silently skips bad characters, which would let two different strings name the same bytes.
 */
export function decodeBase64(value: unknown, field: string): Buffer {
  if (typeof value === 'string') {
    if (BASE64.test(value)) return Buffer.from(value, 'base64');
    if (BASE64URL.test(value) && value.length % 4 !== 1) return Buffer.from(value, 'base64url');
  }
  throw new SignetError('INVALID_FORMAT', `${field} is not base64`, { details: { field } });
}
