import {
  assertAlgorithmFitsKey,
  assertDigestLength,
  getAlgorithm,
  SignetError,
  type KeyInfo,
  type KeyProvider,
  type KeySpec,
  type SignatureAlgorithm,
} from '@signet/sdk';
import { toKmsSigningAlgorithm } from './algorithms.js';
import { discoverKeys } from './discovery.js';
import { generateKmsKey } from './generate-key.js';
import { describeKmsKey } from './key-info.js';
import { createKmsCaller } from './kms-caller.js';
import type { AwsKmsProviderOptions } from './options.js';
import { AWS_KMS_SCHEME, parseAwsKmsUri, type AwsKmsKeyRef } from './uri.js';

/** KMS signs messages of at most 4096 bytes (MessageType RAW). */
const MAX_MESSAGE = 4096;

/** The AWS KMS provider: a {@link KeyProvider} whose optional members are all present. */
export interface AwsKmsProvider extends KeyProvider {
  signMessage: NonNullable<KeyProvider['signMessage']>;
  generateKey: NonNullable<KeyProvider['generateKey']>;
  close(): Promise<void>;
}

/**
 * A {@link KeyProvider} for asymmetric AWS KMS keys (`awskms:///ARN`, `awskms:///alias/NAME`).
 * Every signature is one KMS `Sign` call with `MessageType: DIGEST`; the private key never
 * leaves KMS. KMS cannot hold certificates, so `setCertificates` is absent: the server's store
 * keeps a KMS key's chain.
 *
 * @example
 * ```ts
 * const kms = createAwsKmsProvider({ region: 'eu-west-1', tags: { team: 'release' } });
 * const signer = await createSigner(kms, 'awskms:///alias/release');
 * const signature = await signer.sign(digest);
 * ```
 */
export function createAwsKmsProvider(options: AwsKmsProviderOptions = {}): AwsKmsProvider {
  const caller = createKmsCaller(options);
  // Specs of keys described before, by key id or ARN (never by alias, which can be repointed),
  // so an algorithm that does not fit is refused here without a round trip.
  const specs = new Map<string, KeySpec>();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new SignetError('PROVIDER_CLOSED', 'The AWS KMS provider is closed');
  }

  function remember(info: KeyInfo): KeyInfo {
    if (specs.size >= 10_000) specs.delete(specs.keys().next().value!);
    specs.set(parseAwsKmsUri(info.uri).keyId, info.spec);
    return info;
  }

  /** Checks what can be checked before a call: the parameters, the URI, the algorithm. */
  function prepare(params: unknown): { ref: AwsKmsKeyRef; uri: string; algorithm: SignatureAlgorithm } {
    assertOpen();
    if (typeof params !== 'object' || params === null) {
      throw new SignetError('INVALID_ARGUMENT', 'sign takes { key, algorithm, digest }');
    }
    const { key, algorithm: id } = params as { key?: unknown; algorithm?: unknown };
    if (typeof id !== 'string') throw new SignetError('UNSUPPORTED_ALGORITHM', 'The signature algorithm is missing');
    const algorithm = getAlgorithm(id);
    const ref = parseAwsKmsUri(key as string);
    const spec = specs.get(ref.keyId);
    if (spec) assertAlgorithmFitsKey(algorithm, spec);
    return { ref, uri: key as string, algorithm };
  }

  async function sign(
    ref: AwsKmsKeyRef,
    uri: string,
    algorithm: SignatureAlgorithm,
    message: Uint8Array,
    type: 'DIGEST' | 'RAW',
    signal?: AbortSignal,
  ) {
    const out = await caller.call(
      { operation: 'Sign', key: uri, region: ref.region },
      (api, send) =>
        api.sign(
          {
            KeyId: ref.keyId,
            Message: message,
            MessageType: type,
            SigningAlgorithm: toKmsSigningAlgorithm(algorithm.id),
          },
          send,
        ),
      { signal },
    );
    if (!out.Signature?.length) throw new SignetError('INTERNAL', `AWS KMS Sign ${uri}: the answer has no signature`);
    return new Uint8Array(out.Signature);
  }

  return {
    scheme: AWS_KMS_SCHEME,
    capabilities: { generateKeys: true, signMessage: true, storeCertificates: false },

    async listKeys(callOptions = {}) {
      assertOpen();
      return (await discoverKeys(caller, options, callOptions.signal)).map(remember);
    },

    async getKey(uri, callOptions = {}) {
      assertOpen();
      const info = remember(await describeKmsKey(caller, uri, callOptions.signal));
      const ref = parseAwsKmsUri(uri);
      if (ref.kind === 'key-id') specs.set(ref.keyId, info.spec);
      return info;
    },

    async sign(params) {
      const { ref, uri, algorithm } = prepare(params);
      assertDigestLength(algorithm, params.digest);
      return sign(ref, uri, algorithm, params.digest, 'DIGEST', params.signal);
    },

    async signMessage(params) {
      const { ref, uri, algorithm } = prepare(params);
      const { message } = params;
      if (!(message instanceof Uint8Array) || message.length === 0 || message.length > MAX_MESSAGE) {
        throw new SignetError('INVALID_ARGUMENT', `AWS KMS signs messages of 1 to ${MAX_MESSAGE} bytes`, {
          details: { key: uri, length: message instanceof Uint8Array ? message.length : typeof message },
        });
      }
      return sign(ref, uri, algorithm, message, 'RAW', params.signal);
    },

    async generateKey(params) {
      assertOpen();
      return remember(await generateKmsKey(caller, options, params));
    },

    async close() {
      if (closed) return;
      closed = true;
      specs.clear();
      caller.close();
    },
  };
}
