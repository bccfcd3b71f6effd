import type { Context, MiddlewareHandler } from 'hono';
import { SignetError } from '@signet/sdk';
import { principalId } from '@signet/sdk/policy';
import type { AppEnv } from './services.js';

/**
 * Per-principal token bucket, in process: each principal (or what `keyOf` says, such as a client
 * address) gets `rate` requests per second with a burst of twice that. Several replicas each keep their own buckets (a shared limit would need
 * Redis; not worth it until a deployment asks).
 */
export function rateLimit(
  rate: number,
  /** Whose bucket a request takes from. Default: its principal's. */
  keyOf: (c: Context<AppEnv>) => string = (c) => principalId(c.get('principal')),
): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const burst = rate * 2;
  return async (c, next) => {
    const id = keyOf(c);
    const now = performance.now();
    const bucket = buckets.get(id) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    if (bucket.tokens < 1) {
      c.header('retry-after', String(Math.ceil((1 - bucket.tokens) / rate)));
      throw new SignetError('THROTTLED', `Too many requests from ${id}: at most ${rate} per second`);
    }
    bucket.tokens -= 1;
    buckets.set(id, bucket);
    if (buckets.size > 100_000) buckets.clear(); // bound memory under a flood of identities
    await next();
  };
}
