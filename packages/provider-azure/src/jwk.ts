import { createPublicKey, type JsonWebKey as NodeJwk } from 'node:crypto';
import { CURVES, SignetError, type KeySpec, type NamedCurve } from '@signet/sdk';

/** The public half of a Key Vault JSON Web Key, as `@azure/keyvault-keys` hands it over (bytes, not base64url). */
export interface VaultJwk {
  kty?: string;
  crv?: string;
  n?: Uint8Array;
  e?: Uint8Array;
  x?: Uint8Array;
  y?: Uint8Array;
}

/** What Signet needs of a vault key: its spec and its public key as DER SubjectPublicKeyInfo. */
export interface PublicKeyFacts {
  readonly spec: KeySpec;
  /** EC keys only. */
  readonly curve?: NamedCurve;
  readonly publicKey: Uint8Array;
}

const RSA_SIZES: ReadonlySet<number> = new Set([2048, 3072, 4096]);

function unsupported(what: string, kid: string): SignetError {
  return new SignetError('UNSUPPORTED_ALGORITHM', `Key ${kid} is ${what}, which Signet does not sign with`, {
    details: { key: kid },
  });
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Drops leading zero bytes: a JWK integer is unsigned, and a sign byte would make Node misread the size. */
function unsigned(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** Left-pads a coordinate to the curve size: JWK coordinates are fixed-width, and Node insists. */
function coordinate(bytes: Uint8Array, size: number): Uint8Array {
  const value = unsigned(bytes);
  if (value.length > size) throw new RangeError('coordinate longer than the curve');
  const out = new Uint8Array(size);
  out.set(value, size - value.length);
  return out;
}

/**
 * Converts a Key Vault key (RSA, RSA-HSM, EC, EC-HSM) to DER SubjectPublicKeyInfo through Node's
 * own JWK import, so the bytes are exactly what OpenSSL would write for that key.
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM` for symmetric keys, other curves (P-256K) and RSA
 * sizes Signet does not sign with; `INTERNAL` when the vault returns malformed numbers.
 */
export function publicKeyFacts(jwk: VaultJwk, kid: string): PublicKeyFacts {
  const kty = jwk.kty ?? '';
  let node: NodeJwk;
  let curve: NamedCurve | undefined;
  try {
    if (kty === 'RSA' || kty === 'RSA-HSM') {
      if (!jwk.n || !jwk.e) throw new RangeError('RSA key without n or e');
      node = { kty: 'RSA', n: b64url(unsigned(jwk.n)), e: b64url(unsigned(jwk.e)) };
    } else if (kty === 'EC' || kty === 'EC-HSM') {
      if (!(jwk.crv && jwk.crv in CURVES)) throw unsupported(`an EC key on curve ${jwk.crv ?? '(none)'}`, kid);
      curve = jwk.crv as NamedCurve;
      if (!jwk.x || !jwk.y) throw new RangeError('EC key without x or y');
      const size = CURVES[curve].size;
      node = { kty: 'EC', crv: curve, x: b64url(coordinate(jwk.x, size)), y: b64url(coordinate(jwk.y, size)) };
    } else {
      throw unsupported(`a key of type ${kty || '(none)'}`, kid);
    }
    const key = createPublicKey({ key: node, format: 'jwk' });
    const publicKey = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
    if (curve) return { spec: `ec-p${curve.slice(2)}` as KeySpec, curve, publicKey };
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (!RSA_SIZES.has(bits)) throw unsupported(`a ${bits}-bit RSA key`, kid);
    return { spec: `rsa-${bits}` as KeySpec, publicKey };
  } catch (cause) {
    if (cause instanceof SignetError) throw cause;
    throw new SignetError('INTERNAL', `The vault returned a malformed public key for ${kid}`, {
      cause,
      details: { key: kid },
    });
  }
}
