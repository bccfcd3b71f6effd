import { constants, createPrivateKey, privateEncrypt, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { digestInfo, type SignatureAlgorithm } from '../../algorithms/algorithms.js';
import { emsaPssEncode } from '../../algorithms/emsa-pss.js';

/*
 * Signing a precomputed digest with a private key held in this process. Two routes, same output:
 *
 * - native: `@signet/native-signer`, an optional addon that calls EVP_PKEY_sign in the OpenSSL
 *   Node itself ships (constant-time, full OpenSSL speed, RSA on the thread pool);
 * - portable: RSA PKCS#1 v1.5 as `privateEncrypt` over DigestInfo ‖ digest, RSA-PSS as EMSA-PSS
 *   encoding + raw RSA, ECDSA through @noble/curves (audited, ~30× slower than OpenSSL).
 *
 * docs/decisions/0001-prehash-signing.md has the measurements behind this choice.
 */

/** Which route signs: `auto` takes the native addon when it loads. */
export type PrehashBackend = 'auto' | 'native' | 'portable';

export interface PrehashKey {
  readonly route: 'native' | 'portable';
  /** Signs `digest` (already length-checked) with `algorithm` (already checked against the key). */
  sign(algorithm: SignatureAlgorithm, digest: Uint8Array): Promise<Uint8Array>;
}

interface NativeModule {
  loadPrivateKey(pkcs8: Uint8Array): {
    sign(scheme: string, hash: string, digest: Uint8Array): Uint8Array;
    signAsync(scheme: string, hash: string, digest: Uint8Array): Promise<Uint8Array>;
  };
}

let nativeModule: Promise<NativeModule | undefined> | undefined;

/** Loads the optional addon once; undefined when it is not installed or did not build. */
export function loadNative(): Promise<NativeModule | undefined> {
  // A variable specifier keeps bundlers and type checkers from requiring the optional package.
  const specifier = '@signet/native-signer';
  nativeModule ??= import(specifier).then(
    (m: { available?: boolean } & Partial<NativeModule>) =>
      m.available && m.loadPrivateKey ? (m as NativeModule) : undefined,
    () => undefined,
  );
  return nativeModule;
}

const NOBLE = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/**
 * Prepares a key for digest signing. `pkcs8` is only read here; the caller wipes it afterwards.
 * Returns undefined for `native` when the addon is unavailable.
 */
export async function createPrehashKey(pkcs8: Buffer, backend: PrehashBackend): Promise<PrehashKey | undefined> {
  if (backend !== 'portable') {
    const native = await loadNative();
    if (native) {
      const key = native.loadPrivateKey(pkcs8);
      return {
        route: 'native',
        // ECDSA is fast enough that a thread-pool hop costs more than it saves; RSA is not.
        sign: async (a, digest) =>
          a.scheme === 'ecdsa' ? key.sign(a.scheme, a.hash, digest) : key.signAsync(a.scheme, a.hash, digest),
      };
    }
    if (backend === 'native') return undefined;
  }
  return portableKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
}

function portableKey(key: KeyObject): PrehashKey {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    const jwk = key.export({ format: 'jwk' });
    const secret = Buffer.from(jwk.d!, 'base64url');
    const curve = NOBLE[jwk.crv as keyof typeof NOBLE];
    return {
      route: 'portable',
      sign: async (_a, digest) => curve.sign(digest, secret, { prehash: false, lowS: false, format: 'der' }),
    };
  }
  const modulusBits = details.modulusLength!;
  return {
    route: 'portable',
    async sign(a, digest) {
      if (a.scheme === 'pss') {
        return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, emsaPssEncode(a.hash, digest, modulusBits));
      }
      return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo(a.hash, digest));
    },
  };
}
