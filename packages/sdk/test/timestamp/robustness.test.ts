import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTimestampRequest,
  issueTimestamp,
  readTimestampResponse,
  verifyTimestampToken,
  type TimestampRequest,
} from '../../src/timestamp/index.js';
import { isSignetError } from '../helpers/sdk.js';
import { createTsaFixture, POLICY, type TsaFixture } from './fixture.js';

/** Random requests for the TSA: noise, and valid requests cut short, flipped or spliced. */
function damagedRequests(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const flip = fc.nat({ max: valid.length * 8 - 1 }).map((bit) => {
    const copy = Uint8Array.from(valid);
    copy[bit >> 3] = copy[bit >> 3]! ^ (1 << (bit & 7));
    return copy;
  });
  const cut = fc.nat({ max: valid.length - 1 }).map((n) => valid.subarray(0, n));
  const splice = fc
    .tuple(fc.nat({ max: valid.length }), fc.uint8Array({ maxLength: 40 }))
    .map(([at, junk]) => Uint8Array.from([...valid.subarray(0, at), ...junk, ...valid.subarray(at)]));
  return fc.oneof(fc.uint8Array({ maxLength: 300 }), flip, flip, cut, splice);
}

describe('the TSA given damaged requests', () => {
  let tsa: TsaFixture;
  let valid: TimestampRequest;

  beforeAll(async () => {
    tsa = await createTsaFixture();
    valid = createTimestampRequest({ data: new Uint8Array([7]), hash: 'sha384' }, { policy: POLICY });
  });

  it('answers every request with a reply, takes a serial number only for a token, and its tokens verify', async () => {
    await fc.assert(
      fc.asyncProperty(damagedRequests(valid.der), async (request) => {
        let serials = 0;
        const issued = await issueTimestamp({
          request,
          signer: tsa.signer,
          serialNumber: () => BigInt(++serials),
          policy: POLICY,
        });
        expect(serials).toBe(issued.granted ? 1 : 0);
        if (!issued.granted) {
          // A refusal reads back as the refusal's code, never as a token.
          expect(() => readTimestampResponse(issued.response, valid)).toThrow(
            expect.objectContaining({ code: expect.stringMatching(/^(INVALID_ARGUMENT|UNSUPPORTED_ALGORITHM)$/) }),
          );
          return;
        }
        const reply = asn1js.fromBER(issued.response).result as asn1js.Sequence;
        const token = new Uint8Array(reply.valueBlock.value[1]!.valueBeforeDecodeView);
        expect(verifyTimestampToken(token).serialNumber).toBe(1n);
      }),
      { numRuns: 300 },
    );
  });
});

describe('verifyTimestampToken given damaged tokens', () => {
  let token: Uint8Array;
  const data = new Uint8Array([1, 2, 3]);

  beforeAll(async () => {
    const tsa = await createTsaFixture();
    const request = createTimestampRequest({ data });
    const issued = await issueTimestamp({ request: request.der, signer: tsa.signer, serialNumber: 1n, policy: POLICY });
    token = readTimestampResponse(issued.response, request).token;
  });

  it('throws nothing but INVALID_FORMAT or VERIFICATION_FAILED when a bit flips', () => {
    fc.assert(
      fc.property(fc.nat({ max: token.length * 8 - 1 }), (bit) => {
        const flipped = Uint8Array.from(token);
        flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
        try {
          verifyTimestampToken(flipped, { input: { data } });
        } catch (e) {
          expect(isSignetError(e, 'INVALID_FORMAT', 'VERIFICATION_FAILED'), String(e)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});
