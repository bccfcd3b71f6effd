import { isSignetError, listAlgorithms } from '@signet/sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAwsKmsUri, parseAwsKmsUri } from '../src/index.js';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import { openProvider } from './helpers.js';

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const uuid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-'));
const keyId = fc.oneof(
  uuid,
  hex(32).map((h) => `mrk-${h}`),
);
const aliasName = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-'),
  minLength: 1,
  maxLength: 250,
});
const region = fc.constantFrom('us-east-1', 'eu-west-3', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-4');
const partition = fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b');
const account = fc.stringMatching(/^\d{12}$/);

/** Every error the parser throws is INVALID_KEY_URI; anything else is a crash. */
function parseOrCode(uri: unknown): string {
  try {
    parseAwsKmsUri(uri as string);
    return 'ok';
  } catch (error) {
    return isSignetError(error) ? error.code : `crash: ${String(error)}`;
  }
}

describe('the awskms: URI parser', () => {
  it('round-trips every key id, alias, key ARN and alias ARN, and says which it is', () => {
    const named: fc.Arbitrary<{ id: string; kind: string; region?: string }> = fc.oneof(
      keyId.map((id) => ({ id, kind: 'key-id' })),
      aliasName.map((a) => ({ id: `alias/${a}`, kind: 'alias' })),
      fc
        .tuple(partition, region, account, keyId)
        .map(([p, r, a, k]) => ({ id: `arn:${p}:kms:${r}:${a}:key/${k}`, kind: 'key-arn', region: r })),
      fc
        .tuple(partition, region, account, aliasName)
        .map(([p, r, a, n]) => ({ id: `arn:${p}:kms:${r}:${a}:alias/${n}`, kind: 'alias-arn', region: r })),
    );
    fc.assert(
      fc.property(named, ({ id, kind, region }) => {
        const uri = formatAwsKmsUri(id);
        expect(uri).toBe(`awskms:///${id}`);
        const ref = parseAwsKmsUri(uri);
        expect(ref).toEqual({ kind, keyId: id, ...(region ? { region } : {}) });
        expect(formatAwsKmsUri(ref.keyId)).toBe(uri);
      }),
      { numRuns: 500 },
    );
  });

  it('answers any string or value with a reference or INVALID_KEY_URI, never a crash', () => {
    const anyUri = fc.oneof(
      fc.string(),
      fc.string().map((s) => `awskms:///${s}`),
      fc.string().map((s) => `awskms://${s}`),
      fc.string().map((s) => `awskms:///arn:aws:kms:${s}`),
      fc.string().map((s) => `awskms:///alias/${s}`),
      fc.anything(),
    );
    fc.assert(
      fc.property(anyUri, (uri) => {
        expect(['ok', 'INVALID_KEY_URI']).toContain(parseOrCode(uri));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a key id with a character changed to one KMS never uses', () => {
    fc.assert(
      fc.property(uuid, fc.nat(35), fc.constantFrom('G', 'z', 'A', ' ', '/', '%', '\u00e9'), (id, at, char) => {
        const changed = id.slice(0, at) + char + id.slice(at + 1);
        fc.pre(changed !== id);
        expect(parseOrCode(`awskms:///${changed}`)).toBe('INVALID_KEY_URI');
      }),
    );
  });
});

describe('sign with malformed input', () => {
  let fake: FakeKms;
  let uri: string;
  beforeAll(async () => {
    fake = await startFakeKms();
    uri = (await fake.addKey({ spec: 'ECC_NIST_P256', aliases: ['fuzz'] })).uri;
  });
  afterAll(() => fake.close());

  it('resolves with a signature or rejects with a typed SignetError, whatever it is given', async () => {
    const kms = openProvider(fake, { retry: { attempts: 1 } });
    const ids = listAlgorithms().map((a) => a.id);
    const params = fc.oneof(
      fc.record(
        {
          key: fc.oneof(fc.constant(uri), fc.constant('awskms:///alias/fuzz'), fc.string(), fc.anything()),
          algorithm: fc.oneof(fc.constantFrom(...ids), fc.string(), fc.anything()),
          digest: fc.oneof(
            fc.uint8Array({ maxLength: 80 }),
            fc.constantFrom(32, 48, 64).map((n) => new Uint8Array(n)),
            fc.anything(),
          ),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        try {
          const signature = await kms.sign(p as never);
          expect(signature).toBeInstanceOf(Uint8Array);
        } catch (error) {
          if (!isSignetError(error)) throw new Error(`not a SignetError: ${String(error)}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
