import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestFingerprint } from '@signet/sdk/signing';
import { createDbApprovalStore, createDbIdempotencyStore } from '../../../src/store/core/index.js';
import {
  decodeDecision,
  decodeRequest,
  decodeResult,
  encodeDecision,
  encodeRequest,
  encodeResult,
} from '../../../src/store/core/codec.js';
import { DIALECTS, freshDatabase } from '../../helpers/databases.js';
import { anyPendingDecision, anyRequest, anyResult, T0 } from './fixtures.js';

describe('the codec', () => {
  it('gives back every signing request exactly (plain Uint8Array digests)', () => {
    fc.assert(
      fc.property(anyRequest, (request) => {
        expect(decodeRequest(encodeRequest(request))).toStrictEqual(request);
      }),
    );
  });

  it('gives back every signing result exactly (signatures and certificates as Uint8Array)', () => {
    fc.assert(
      fc.property(anyResult, (result) => {
        expect(decodeResult(encodeResult(result))).toStrictEqual(result);
      }),
    );
  });

  it('gives back a pending decision with its expiry as a Date', () => {
    fc.assert(
      fc.property(anyPendingDecision, (d) => {
        expect(decodeDecision(encodeDecision(d))).toStrictEqual(d);
      }),
    );
  });

  it('writes digests as hex, as approvers and the audit log show them', () => {
    const json = JSON.parse(
      encodeRequest({ ...fc.sample(anyRequest, 1)[0]!, items: [{ digest: new Uint8Array([0xab, 1]) }] }),
    );
    expect(json.items[0].digest).toBe('ab01');
  });
});

describe.each(DIALECTS)('values through the %s database', async (dialect) => {
  const database = await freshDatabase(dialect);
  const approvals = createDbApprovalStore(database);
  const idempotency = createDbIdempotencyStore(database);

  it('come back exactly: any pending request and decision', async () => {
    await fc.assert(
      fc.asyncProperty(anyRequest, anyPendingDecision, async (request, decision) => {
        const pending = { id: requestFingerprint(request), request, decision, createdAt: T0 };
        await approvals.putPending(pending);
        expect(await approvals.getPending(pending.id)).toStrictEqual(pending);
      }),
      { numRuns: 40 },
    );
  });

  it('come back exactly: any signing result', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(anyResult, async (result) => {
        const key = `codec-${n++}`;
        await idempotency.claim(key, 'fp');
        await idempotency.complete(key, result);
        expect(await idempotency.claim(key, 'fp')).toStrictEqual({ state: 'done', result });
      }),
      { numRuns: 40 },
    );
  });
});
