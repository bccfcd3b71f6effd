import { createPublicKey, randomBytes } from 'node:crypto';
import { assertAlgorithmFitsKey, getAlgorithm, type SignatureAlgorithmId } from '../algorithms/algorithms.js';
import { isSignetError, type SignetErrorCode } from '../errors/errors.js';
import { verifyDigestSignature } from '../formats/raw/verify-digest.js';
import type { KeyProvider } from '../provider/provider.js';
import { opensslVerifiesDigest } from './openssl-verify.js';

export interface ProviderConformanceOptions {
  /** Opens the provider under test, with every key of `keys` present. Called once, on first use. */
  open(): Promise<KeyProvider>;
  /** URIs of the keys to exercise: one per key type the provider supports is enough. */
  keys: readonly string[];
  /** A well-formed URI of this provider that names no key. */
  unknownKey: string;
  /**
   * Fault injection, for backends that can be made to throttle (a loopback fake of a cloud
   * service): `throttle(n)` makes the next `n` backend calls fail as throttled, `throttle(0)` ends
   * it. The provider should retry with a short backoff in tests, so a persistent fault ends fast.
   */
  faults?: { throttle(times: number): void | Promise<void> };
  /** Signatures in flight at once in the concurrency case. Default 100. */
  concurrency?: number;
  /** The `openssl` binary. Default `openssl` on the PATH. */
  openssl?: string;
}

/** One check of the suite: register it with the test runner, e.g. `it(c.name, c.run)`. */
export interface ConformanceCase {
  readonly name: string;
  run(): Promise<void>;
}

/**
 * The checks every {@link KeyProvider} must pass, whatever holds its keys: listing, public keys,
 * a signature for every algorithm of every key verified by `openssl`, typed refusals (wrong digest
 * length, unknown key, an algorithm of another key type), many signatures at once, cancellation,
 * and (with fault injection) retries after throttling. Framework-neutral: each case throws an
 * `Error` on failure.
 *
 * @example
 * ```ts
 * import { providerConformance } from '@signet/sdk/testing';
 * describe('my provider', () => {
 *   for (const c of providerConformance({ open, keys: ['acme://k1'], unknownKey: 'acme://none' })) it(c.name, c.run);
 * });
 * ```
 */
export function providerConformance(options: ProviderConformanceOptions): ConformanceCase[] {
  let opened: Promise<KeyProvider> | undefined;
  const provider = () => (opened ??= options.open());
  const digestFor = (algorithm: SignatureAlgorithmId) => randomBytes(getAlgorithm(algorithm).digestLength);
  const firstKey = async () => (await provider()).getKey(options.keys[0]!);

  const cases: ConformanceCase[] = [
    {
      name: 'lists every key under test, as getKey describes it',
      async run() {
        const p = await provider();
        const listed = await p.listKeys();
        for (const uri of options.keys) {
          const entry = listed.find((k) => k.uri === uri);
          check(entry, `listKeys() does not include ${uri} (it lists ${listed.map((k) => k.uri).join(', ')})`);
          const described = await p.getKey(uri);
          check(entry.spec === described.spec, `${uri}: listKeys says ${entry.spec}, getKey ${described.spec}`);
          check(bytesEqual(entry.publicKey, described.publicKey), `${uri}: listKeys and getKey differ on the key`);
        }
      },
    },
    ...options.keys.map((uri) => ({
      name: `describes ${uri}: a DER SubjectPublicKeyInfo of its spec, and algorithms that fit it`,
      async run() {
        const key = await (await provider()).getKey(uri);
        check(key.uri === uri, `getKey(${uri}) answered for ${key.uri}`);
        check(key.algorithms.length > 0, `${uri} lists no algorithm`);
        const publicKey = createPublicKey({ key: Buffer.from(key.publicKey), format: 'der', type: 'spki' });
        check(
          publicKey.asymmetricKeyType === key.spec.split('-')[0],
          `${uri} is ${key.spec} but holds a ${publicKey.asymmetricKeyType} key`,
        );
        const details = publicKey.asymmetricKeyDetails ?? {};
        if (key.spec.startsWith('rsa-'))
          check(
            details.modulusLength === Number(key.spec.slice(4)),
            `${uri}: modulus is ${details.modulusLength} bits, spec ${key.spec}`,
          );
        for (const id of key.algorithms) assertAlgorithmFitsKey(getAlgorithm(id), key.spec);
      },
    })),
    ...options.keys.map((uri) => ({
      name: `signs with every algorithm of ${uri}, and openssl verifies each signature`,
      async run() {
        const p = await provider();
        const key = await p.getKey(uri);
        for (const algorithm of key.algorithms) {
          const digest = digestFor(algorithm);
          const signature = await p.sign({ key: uri, algorithm, digest });
          const verified = await opensslVerifiesDigest({
            publicKey: key.publicKey,
            algorithm,
            digest,
            signature,
            ...(options.openssl ? { openssl: options.openssl } : {}),
          });
          check(verified, `openssl pkeyutl -verify rejects the ${algorithm} signature of ${uri}`);
        }
      },
    })),
    {
      name: 'refuses a digest of the wrong length with DIGEST_LENGTH_MISMATCH',
      async run() {
        const key = await firstKey();
        const algorithm = key.algorithms[0]!;
        const length = getAlgorithm(algorithm).digestLength;
        for (const size of [0, length - 1, length + 1]) {
          await expectCode(
            async () => (await provider()).sign({ key: key.uri, algorithm, digest: new Uint8Array(size) }),
            'DIGEST_LENGTH_MISMATCH',
            `a ${size}-byte digest for ${algorithm}`,
          );
        }
      },
    },
    {
      name: 'refuses an unknown key with KEY_NOT_FOUND',
      async run() {
        const p = await provider();
        await expectCode(() => p.getKey(options.unknownKey), 'KEY_NOT_FOUND', `getKey(${options.unknownKey})`);
        const algorithm = (await firstKey()).algorithms[0]!;
        await expectCode(
          () => p.sign({ key: options.unknownKey, algorithm, digest: digestFor(algorithm) }),
          'KEY_NOT_FOUND',
          `sign with ${options.unknownKey}`,
        );
      },
    },
    {
      name: 'refuses an algorithm of another key type with ALGORITHM_KEY_MISMATCH',
      async run() {
        const key = await firstKey();
        const algorithm: SignatureAlgorithmId = key.spec.startsWith('rsa-') ? 'ecdsa-p256-sha256' : 'rsa-pkcs1-sha256';
        await expectCode(
          async () => (await provider()).sign({ key: key.uri, algorithm, digest: digestFor(algorithm) }),
          'ALGORITHM_KEY_MISMATCH',
          `${algorithm} with ${key.spec} key ${key.uri}`,
        );
      },
    },
    {
      name: `signs ${options.concurrency ?? 100} digests at once, each signature valid for its own digest`,
      async run() {
        const p = await provider();
        const key = await firstKey();
        const algorithm = key.algorithms[0]!;
        const digests = Array.from({ length: options.concurrency ?? 100 }, () => digestFor(algorithm));
        const signatures = await Promise.all(digests.map((digest) => p.sign({ key: key.uri, algorithm, digest })));
        signatures.forEach((signature, i) =>
          check(
            verifyDigestSignature({ publicKey: key.publicKey, algorithm, digest: digests[i]!, signature }),
            `signature ${i} of ${digests.length} does not verify`,
          ),
        );
      },
    },
    {
      name: 'stops an aborted call with ABORTED, before the backend signs',
      async run() {
        const p = await provider();
        const key = await firstKey();
        const algorithm = key.algorithms[0]!;
        const signal = AbortSignal.abort();
        await expectCode(
          () => p.sign({ key: key.uri, algorithm, digest: digestFor(algorithm), signal }),
          'ABORTED',
          'sign with an aborted signal',
        );
        await expectCode(() => p.getKey(key.uri, { signal }), 'ABORTED', 'getKey with an aborted signal');
        await expectCode(() => p.listKeys({ signal }), 'ABORTED', 'listKeys with an aborted signal');
      },
    },
  ];

  const faults = options.faults;
  if (faults) {
    cases.push(
      {
        name: 'retries a throttled signature with backoff, then succeeds',
        async run() {
          const key = await firstKey();
          const algorithm = key.algorithms[0]!;
          const digest = digestFor(algorithm);
          await faults.throttle(2);
          try {
            const signature = await (await provider()).sign({ key: key.uri, algorithm, digest });
            check(
              verifyDigestSignature({ publicKey: key.publicKey, algorithm, digest, signature }),
              'the signature after throttling does not verify',
            );
          } finally {
            await faults.throttle(0);
          }
        },
      },
      {
        name: 'gives up on persistent throttling with a retryable THROTTLED',
        async run() {
          const key = await firstKey();
          const algorithm = key.algorithms[0]!;
          await faults.throttle(Number.MAX_SAFE_INTEGER);
          try {
            const error = await expectCode(
              async () => (await provider()).sign({ key: key.uri, algorithm, digest: digestFor(algorithm) }),
              'THROTTLED',
              'sign under persistent throttling',
            );
            check(error.retryable, 'THROTTLED is not marked retryable');
          } finally {
            await faults.throttle(0);
          }
        },
      },
    );
  }
  return cases;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function expectCode(call: () => Promise<unknown>, code: SignetErrorCode, what: string) {
  let pending: Promise<unknown>;
  try {
    pending = call();
  } catch (error) {
    throw new Error(`${what}: threw synchronously instead of returning a rejected promise`, { cause: error });
  }
  try {
    await pending;
  } catch (error) {
    if (isSignetError(error, code)) return error;
    const got = isSignetError(error) ? `${error.code}: ${error.message}` : String(error);
    throw new Error(`${what}: expected SignetError ${code}, got ${got}`);
  }
  throw new Error(`${what}: expected SignetError ${code}, but it succeeded`);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
