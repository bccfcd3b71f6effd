import fc from 'fast-check';
import { createTimestampRequest } from '@signet/sdk/timestamp';
import * as asn1js from 'asn1js';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { lastSerial, postQuery, tsaServer } from './helpers.js';

/** Valid requests (each hash, with and without nonce and certReq), then cut, flipped, spliced or replaced by noise. */
const valid = (['sha256', 'sha384', 'sha512'] as const).flatMap((hash) =>
  [true, false].map(
    (flag) => createTimestampRequest({ data: new Uint8Array([1]), hash }, { nonce: flag, certificate: !flag }).der,
  ),
);
const damaged = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.tuple(fc.constantFrom(...valid), fc.nat()).map(([der, bit]) => {
    const copy = Uint8Array.from(der);
    const at = bit % (der.length * 8);
    copy[at >> 3] = copy[at >> 3]! ^ (1 << (at & 7));
    return copy;
  }),
  fc.tuple(fc.constantFrom(...valid), fc.nat()).map(([der, n]) => der.subarray(0, n % der.length)),
  fc
    .tuple(fc.constantFrom(...valid), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 }))
    .map(([der, n, junk]) =>
      Uint8Array.from([...der.subarray(0, n % der.length), ...junk, ...der.subarray(n % der.length)]),
    ),
  fc.constantFrom(...valid),
);

describe.each(DIALECTS)('the TSA route given random and malformed TimeStampReqs on %s', (dialect) => {
  let world: Awaited<ReturnType<typeof tsaServer>>;

  beforeAll(async () => {
    world = await tsaServer(dialect, { timestamp: { rateLimit: 1_000_000 } });
  });

  it('answers with a TimeStampResp, never a 5xx, and takes a serial number and an audit record only for a token', async () => {
    const audit = world.server.services.audit;
    let granted = 0;
    await fc.assert(
      fc.asyncProperty(damaged, async (body) => {
        const [serial, records] = [await lastSerial(world.inspect), await audit.size()];
        const res = await postQuery(world.app, body);
        expect(res.status).toBe(200);
        const reply = asn1js.fromBER(new Uint8Array(await res.arrayBuffer())).result as asn1js.Sequence;
        const status = (reply.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Integer;
        const token = status.valueBlock.valueDec === 0;
        if (token) granted++;
        expect(await lastSerial(world.inspect)).toBe(serial + (token ? 1n : 0n));
        expect(await audit.size()).toBe(records + (token ? 1 : 0));
      }),
      { numRuns: 200 },
    );
    expect(granted).toBeGreaterThan(5);
  });
});
