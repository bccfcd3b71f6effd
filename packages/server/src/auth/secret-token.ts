import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A bearer secret of the form `<prefix>_<id>_<secret>`: the id finds the row, the secret proves
 * possession. The id is hex so it never contains `_`; the secret is 32 random bytes, base64url.
 */
export interface SecretToken {
  readonly id: string;
  readonly token: string;
  /** SHA-256 of the secret part, lowercase hex: the only thing stored. */
  readonly hash: string;
}

/** Makes a new token; `prefix` says what it is (`sgt` API token, `sge` agent enrollment). */
export function newSecretToken(prefix: string): SecretToken {
  const id = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${prefix}_${id}_${secret}`, hash: hashSecret(secret) };
}

/** Splits a presented token; `undefined` when it is not of this prefix's shape. */
export function parseSecretToken(prefix: string, token: string): { id: string; secret: string } | undefined {
  const match = new RegExp(`^${prefix}_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$`).exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

/**
 * Whether `secret` hashes to `storedHash`, in constant time. A fast hash is enough here: the
 * secret has 256 random bits, so there is nothing to brute-force that a slow hash would protect.
 */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
