import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { CURVES, curveOf, type KeySpec, type NamedCurve } from '@signet/sdk';
import type { Key, Session, SessionObject } from 'graphene-pk11';
import { unwrapEcPoint } from './der.js';

// CKO_* and CKK_* values (pkcs11t.h).
export const CKO_CERTIFICATE = 1;
export const CKO_PUBLIC_KEY = 2;
export const CKO_PRIVATE_KEY = 3;
const CKK_RSA = 0;
const CKK_EC = 3;
// By number: graphene names CKA_EC_PARAMS twice (paramsEC, paramsECDSA) and reads it back as either.
const CKA_EC_PARAMS = 0x180;
const CKA_EC_POINT = 0x181;

/** DER OIDs of the named curves, as CKA_EC_PARAMS holds them. */
export const EC_PARAMS: Readonly<Record<NamedCurve, string>> = {
  'P-256': '06082a8648ce3d030107',
  'P-384': '06052b81040022',
  'P-521': '06052b81040023',
};

/** A private key on the token, as much as signing needs. */
export interface TokenKey {
  /** The private key object; only its handle is used, from any session of the same generation. */
  readonly object: Key;
  /** CKA_LABEL, undefined when empty. */
  readonly label: string | undefined;
  /** CKA_ID, possibly empty. */
  readonly id: Buffer;
  /** Undefined for a key type or size Signet does not sign with (e.g. RSA-1024, Ed25519). */
  readonly spec: KeySpec | undefined;
}

/** Private keys matching a label and/or an id (neither: every private key). */
export function findPrivateKeys(session: Session, match: { label?: string; id?: Uint8Array }): TokenKey[] {
  const template: Record<string, unknown> = { class: CKO_PRIVATE_KEY };
  if (match.label !== undefined) template.label = match.label;
  if (match.id !== undefined) template.id = Buffer.from(match.id);
  const found = session.find(template);
  const keys: TokenKey[] = [];
  for (let i = 0; i < found.length; i++) keys.push(describePrivateKey(found.items(i)));
  return keys;
}

/** Reads what signing needs from a private key object. */
export function describePrivateKey(object: SessionObject): TokenKey {
  const { label, id, keyType } = object.getAttribute({ label: null, id: null, keyType: null });
  let spec: KeySpec | undefined;
  if (keyType === CKK_RSA) {
    spec = rsaSpec(object.getAttribute({ modulus: null }).modulus as Buffer);
  } else if (keyType === CKK_EC) {
    spec = ecSpec(object.getAttribute(CKA_EC_PARAMS));
  }
  return { object: object.toType<Key>(), label: label ? (label as string) : undefined, id: id as Buffer, spec };
}

function rsaSpec(modulus: Buffer): KeySpec | undefined {
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) start++;
  const bits = (modulus.length - start) * 8;
  return bits === 2048 || bits === 3072 || bits === 4096 ? (`rsa-${bits}` as KeySpec) : undefined;
}

function ecSpec(params: Buffer): KeySpec | undefined {
  const hex = params.toString('hex');
  const curve = (Object.keys(EC_PARAMS) as NamedCurve[]).find((c) => EC_PARAMS[c] === hex);
  return curve ? (`ec-p${curve.slice(2)}` as KeySpec) : undefined;
}

/**
 * The DER SubjectPublicKeyInfo of a private key: from its public key object (same CKA_ID, or the
 * same label when it has no id), else, for RSA, from the private key's own modulus and exponent.
 * Undefined when the token holds no public half.
 */
export function publicKeyOf(session: Session, key: TokenKey): Uint8Array | undefined {
  const spec = key.spec!;
  const template =
    key.id.length > 0 ? { class: CKO_PUBLIC_KEY, id: key.id } : { class: CKO_PUBLIC_KEY, label: key.label };
  const found = session.find(template);
  const curve = curveOf(spec);
  for (let i = 0; i < found.length; i++) {
    const object = found.items(i);
    const spki = curve ? ecPublicKey(object, curve) : rsaPublicKey(object);
    if (spki) return spki;
  }
  return curve ? undefined : rsaPublicKey(key.object);
}

function rsaPublicKey(object: SessionObject): Uint8Array | undefined {
  try {
    const { modulus, publicExponent } = object.getAttribute({ modulus: null, publicExponent: null });
    return spki({ kty: 'RSA', n: base64url(modulus as Buffer), e: base64url(publicExponent as Buffer) });
  } catch {
    return undefined; // not an RSA key, or the attributes are missing
  }
}

function ecPublicKey(object: SessionObject, curve: NamedCurve): Uint8Array | undefined {
  try {
    if (object.getAttribute(CKA_EC_PARAMS).toString('hex') !== EC_PARAMS[curve]) return undefined;
    const size = CURVES[curve].size;
    const point = unwrapEcPoint(object.getAttribute(CKA_EC_POINT), size);
    if (!point) return undefined;
    return spki({
      kty: 'EC',
      crv: curve,
      x: base64url(point.subarray(1, 1 + size)),
      y: base64url(point.subarray(1 + size)),
    });
  } catch {
    return undefined;
  }
}

function spki(jwk: JsonWebKey): Uint8Array {
  return new Uint8Array(createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'der', type: 'spki' }));
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
