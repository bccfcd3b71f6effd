import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { isSignetError } from '@signet/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publicKeyFacts, type VaultJwk } from '../src/jwk.js';

/** A public key as `@azure/keyvault-keys` hands it over: JWK members as bytes. */
function vaultJwk(key: KeyObject, kty: string): VaultJwk {
  const jwk = key.export({ format: 'jwk' });
  const bytes = (v: string | undefined) => (v ? new Uint8Array(Buffer.from(v, 'base64url')) : undefined);
  return Object.fromEntries(
    Object.entries({ kty, crv: jwk.crv, n: bytes(jwk.n), e: bytes(jwk.e), x: bytes(jwk.x), y: bytes(jwk.y) }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as VaultJwk;
}

const spki = (key: KeyObject) => key.export({ format: 'der', type: 'spki' });

describe('a Key Vault JWK becomes a SubjectPublicKeyInfo', () => {
  const CASES = [
    { spec: 'rsa-2048', kty: 'RSA', make: () => generateKeyPairSync('rsa', { modulusLength: 2048 }) },
    { spec: 'rsa-3072', kty: 'RSA-HSM', make: () => generateKeyPairSync('rsa', { modulusLength: 3072 }) },
    { spec: 'ec-p256', kty: 'EC', make: () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) },
    { spec: 'ec-p384', kty: 'EC-HSM', make: () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' }) },
    { spec: 'ec-p521', kty: 'EC', make: () => generateKeyPairSync('ec', { namedCurve: 'secp521r1' }) },
  ] as const;

  for (const { spec, kty, make } of CASES) {
    it(`byte for byte as Node exports it (${kty}, ${spec})`, () => {
      const { publicKey } = make();
      const facts = publicKeyFacts(vaultJwk(publicKey, kty), 'kid');
      expect(facts.spec).toBe(spec);
      expect(Buffer.from(facts.publicKey).equals(spki(publicKey))).toBe(true);
    });
  }

  it('whether the modulus comes with a sign byte or EC coordinates without their leading zeros', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const jwk = vaultJwk(rsa, 'RSA');
    const padded = { ...jwk, n: new Uint8Array([0, ...jwk.n!]) };
    expect(Buffer.from(publicKeyFacts(padded, 'kid').publicKey).equals(spki(rsa))).toBe(true);
    // About one P-256 key in 256 has an x starting with a zero byte: find one, and strip that byte.
    let ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    while (vaultJwk(ec, 'EC').x![0] !== 0) ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    const ecJwk = vaultJwk(ec, 'EC');
    const stripped = { ...ecJwk, x: ecJwk.x!.subarray(1) };
    expect(Buffer.from(publicKeyFacts(stripped, 'kid').publicKey).equals(spki(ec))).toBe(true);
  });

  it('refuses key types Signet does not sign with as UNSUPPORTED_ALGORITHM', () => {
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    for (const jwk of [{ ...vaultJwk(k1, 'EC'), crv: 'P-256K' }, vaultJwk(small, 'RSA'), { kty: 'oct' }, {}]) {
      expect(() => publicKeyFacts(jwk, 'kid')).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED_ALGORITHM' }));
    }
  });

  it('answers malformed numbers with a SignetError, never a crash', () => {
    const bytes = fc.uint8Array({ maxLength: 80 }).map((b) => new Uint8Array(b));
    const jwk = fc.record(
      {
        kty: fc.constantFrom('RSA', 'RSA-HSM', 'EC', 'EC-HSM', 'oct', ''),
        crv: fc.constantFrom('P-256', 'P-384', 'P-521', 'P-256K'),
        n: bytes,
        e: bytes,
        x: bytes,
        y: bytes,
      },
      { requiredKeys: ['kty'] },
    );
    fc.assert(
      fc.property(jwk, (candidate) => {
        try {
          publicKeyFacts(candidate, 'kid');
        } catch (error) {
          expect(isSignetError(error, 'UNSUPPORTED_ALGORITHM', 'INTERNAL')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
