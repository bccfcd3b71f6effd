import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSignetError, SignetError, withRetries } from '../../src/index.js';

const throttled = () => new SignetError('THROTTLED', 'slow down');

describe('withRetries', () => {
  it('retries retryable errors until the call succeeds', async () => {
    let calls = 0;
    const result = await withRetries(
      async () => {
        if (++calls < 3) throw throttled();
        return 'signed';
      },
      { baseDelayMs: 1 },
    );
    expect(result).toBe('signed');
    expect(calls).toBe(3);
  });

  it('throws a non-retryable error at once', async () => {
    let calls = 0;
    const failing = withRetries(async () => {
      calls++;
      throw new SignetError('KEY_NOT_FOUND', 'no key');
    });
    await expect(failing).rejects.toSatisfy((e) => isSignetError(e, 'KEY_NOT_FOUND'));
    expect(calls).toBe(1);
  });

  it('gives up after its attempts with the last retryable error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), async (attempts) => {
        let calls = 0;
        const failing = withRetries(
          async () => {
            calls++;
            throw throttled();
          },
          { attempts, baseDelayMs: 0 },
        );
        await expect(failing).rejects.toSatisfy((e) => isSignetError(e, 'THROTTLED'));
        expect(calls).toBe(attempts);
      }),
      { numRuns: 20 },
    );
  });

  it('stops at once with ABORTED when aborted during a call or a backoff', async () => {
    for (const when of ['during the call', 'during the backoff'] as const) {
      const controller = new AbortController();
      const started = performance.now();
      const failing = withRetries(
        async () => {
          if (when === 'during the call') controller.abort();
          else setTimeout(() => controller.abort(), 5);
          throw throttled();
        },
        { attempts: 2, baseDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal },
      );
      // With 2 attempts the only way to end early with ABORTED is the abort; a 60 s draw would time out.
      await expect(failing, when).rejects.toSatisfy(
        (e) => isSignetError(e, 'ABORTED') || performance.now() - started < 5,
      );
    }
  });
});
