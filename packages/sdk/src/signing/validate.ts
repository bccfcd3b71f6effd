import { assertDigestLength, getAlgorithm, type SignatureAlgorithm } from '../algorithms/algorithms.js';
import { SignetError } from '../errors/errors.js';
import { keyUriScheme } from '../provider/key-uri.js';
import type { SigningRequest } from './request.js';

/** Most digests in one request: a batch is decided once, so it must stay reviewable. */
export const MAX_BATCH = 1000;
const MAX_TEXT = 1024;

function invalid(message: string, field: string): SignetError {
  return new SignetError('INVALID_ARGUMENT', message, { details: { field } });
}

function optionalText(value: unknown, field: string): void {
  if (value !== undefined && (typeof value !== 'string' || value.length > MAX_TEXT)) {
    throw invalid(`${field} must be text of at most ${MAX_TEXT} characters`, field);
  }
}

/**
 * Checks a request before anything is decided or signed (the engine's first step). Callers of the
 * SDK may be plain JavaScript, so every field is checked, not only typed.
 *
 * @throws SignetError `INVALID_ARGUMENT`, `INVALID_KEY_URI`, `UNSUPPORTED_ALGORITHM`,
 * `DIGEST_LENGTH_MISMATCH`
 */
export function validateRequest(request: SigningRequest): SignatureAlgorithm {
  if (typeof request !== 'object' || request === null) throw invalid('The request must be an object', 'request');
  const p = request.principal as Partial<SigningRequest['principal']> | undefined;
  if (!p || typeof p.subject !== 'string' || !p.subject || typeof p.issuer !== 'string' || !p.issuer) {
    throw invalid('The request has no authenticated principal (subject and issuer)', 'principal');
  }
  if (typeof request.key !== 'string') throw invalid('key must be a key URI', 'key');
  keyUriScheme(request.key);
  const algorithm = getAlgorithm(request.algorithm);
  if (!Array.isArray(request.items) || request.items.length === 0 || request.items.length > MAX_BATCH) {
    throw invalid(`items must hold 1 to ${MAX_BATCH} digests`, 'items');
  }
  request.items.forEach((item, i) => {
    assertDigestLength(algorithm, item?.digest);
    optionalText(item.artifact?.name, `items[${i}].artifact.name`);
    const artifactDigest = item.artifact?.digest;
    if (
      artifactDigest !== undefined &&
      !(typeof artifactDigest === 'string' && /^[0-9a-f]{32,128}$/.test(artifactDigest))
    ) {
      throw invalid(`items[${i}].artifact.digest must be lowercase hex`, `items[${i}].artifact.digest`);
    }
  });
  optionalText(request.metadata?.format, 'metadata.format');
  optionalText(request.metadata?.application, 'metadata.application');
  optionalText(request.metadata?.reason, 'metadata.reason');
  if (
    request.idempotencyKey !== undefined &&
    !(typeof request.idempotencyKey === 'string' && /^[\x21-\x7e]{1,200}$/.test(request.idempotencyKey))
  ) {
    throw invalid('idempotencyKey must be 1-200 printable ASCII characters', 'idempotencyKey');
  }
  return algorithm;
}
