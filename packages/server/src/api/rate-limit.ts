import type { MiddlewareHandler } from 'hono';
import { SignetError } from '@signet/sdk';
import { principalId } from '@signet/sdk/policy';
import type { AppEnv } from './services.js';

/**
 * Per-principal token bucket, in process: each principal gets `rate` requests per second with a
 * burst of twice that. Several replicas each keep their own buckets (a shared limit would need
 * Redis; not worth it until a deployment asks).
 */
export function rateLimit(rate: number): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const burst = rate * 2;
  return async (c, next) => {
    const id = principalId(c.get('principal'));
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
