import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  algorithmFromIdentifiers,
  digestAlgorithmIdentifier,
  hashFromIdentifier,
  signatureAlgorithmIdentifier,
} from '../../src/x509/index.js';
import { getAlgorithm, isSignetError, listAlgorithms, type SignatureAlgorithm } from '../helpers/sdk.js';

const hex = (id: pkijs.AlgorithmIdentifier) => Buffer.from(id.toSchema().toBER(false)).toString('hex');
/** Through DER and back, as a verifier sees it. */
const reparse = (id: pkijs.AlgorithmIdentifier) =>
  new pkijs.AlgorithmIdentifier({ schema: asn1js.fromBER(id.toSchema().toBER(false)).result });
const id = (algorithmId: string, algorithmParams?: unknown) =>
  new pkijs.AlgorithmIdentifier(algorithmParams === undefined ? { algorithmId } : { algorithmId, algorithmParams });
const throwsCode = (fn: () => unknown, code: string) => expect(fn).toThrow(expect.objectContaining({ code }));

describe('algorithm identifiers', () => {
  const keys = new Map<string, Uint8Array>();
  const keyFor = (a: SignatureAlgorithm) => keys.get(a.curve ?? 'rsa')!;

  beforeAll(() => {
    const spki = (k: { publicKey: KeyObject }) => new Uint8Array(k.publicKey.export({ type: 'spki', format: 'der' }));
    keys.set('rsa', spki(generateKeyPairSync('rsa', { modulusLength: 2048 })));
    for (const curve of ['P-256', 'P-384', 'P-521'])
      keys.set(curve, spki(generateKeyPairSync('ec', { namedCurve: curve })));
  });

  describe.each(listAlgorithms().map((a) => [a.id, a] as const))('for %s', (_id, algorithm) => {
    it('read back as the same algorithm, with or without the digest algorithm', () => {
      const signature = reparse(signatureAlgorithmIdentifier(algorithm));
      const digest = reparse(digestAlgorithmIdentifier(algorithm.hash));
      expect(algorithmFromIdentifiers({ signature, digest, publicKey: keyFor(algorithm) })).toBe(algorithm);
      expect(algorithmFromIdentifiers({ signature, publicKey: keyFor(algorithm) })).toBe(algorithm);
    });
  });

  describe('when written', () => {
    it('give PKCS#1 a NULL parameter and ECDSA none', () => {
      expect(hex(signatureAlgorithmIdentifier(getAlgorithm('rsa-pkcs1-sha256')))).toBe(
        '300d06092a864886f70d01010b0500',
      );
      expect(hex(signatureAlgorithmIdentifier(getAlgorithm('ecdsa-p256-sha256')))).toBe('300a06082a8648ce3d040302');
    });

    it('give RSA-PSS explicit parameters: hash, MGF1 with that hash, salt = digest length (as openssl writes them)', () => {
      expect(hex(signatureAlgorithmIdentifier(getAlgorithm('rsa-pss-sha256')))).toBe(
        '304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120',
      );
    });

    it('leave digest parameters out unless NULL is asked for', () => {
      expect(hex(digestAlgorithmIdentifier('sha384'))).toBe('300b0609608648016503040202');
      expect(hex(digestAlgorithmIdentifier('sha384', { nullParameters: true }))).toBe('300d06096086480165030402020500');
      expect(hashFromIdentifier(reparse(digestAlgorithmIdentifier('sha512', { nullParameters: true })))).toBe('sha512');
    });
  });

  describe('when read from what other tools write', () => {
    it('take the hash of rsaEncryption and id-ecPublicKey from the digest algorithm', () => {
      const digest = digestAlgorithmIdentifier('sha384');
      const rsaEncryption = id('1.2.840.113549.1.1.1', new asn1js.Null());
      expect(algorithmFromIdentifiers({ signature: rsaEncryption, digest, publicKey: keys.get('rsa')! }).id).toBe(
        'rsa-pkcs1-sha384',
      );
      const ecPublicKey = id('1.2.840.10045.2.1');
      expect(algorithmFromIdentifiers({ signature: ecPublicKey, digest, publicKey: keys.get('P-384')! }).id).toBe(
        'ecdsa-p384-sha384',
      );
    });
  });

  describe('refuse', () => {
    const pss = (params: Partial<pkijs.RSASSAPSSParams>) =>
      id('1.2.840.113549.1.1.10', new pkijs.RSASSAPSSParams(params).toSchema());
    const sha = (hash: 'sha256' | 'sha384') => digestAlgorithmIdentifier(hash, { nullParameters: true });
    const mgf1 = (hash: 'sha256' | 'sha384') => id('1.2.840.113549.1.1.8', sha(hash).toSchema());

    it.each([
      ['SHA-1', () => hashFromIdentifier(id('1.3.14.3.2.26'))],
      [
        'md5WithRSAEncryption',
        () => algorithmFromIdentifiers({ signature: id('1.2.840.113549.1.1.4'), publicKey: keys.get('rsa')! }),
      ],
      [
        'rsaEncryption without a digest algorithm',
        () => algorithmFromIdentifiers({ signature: id('1.2.840.113549.1.1.1'), publicKey: keys.get('rsa')! }),
      ],
      [
        'RSA-PSS with the SHA-1 defaults',
        () => algorithmFromIdentifiers({ signature: id('1.2.840.113549.1.1.10'), publicKey: keys.get('rsa')! }),
      ],
      [
        'RSA-PSS with a 20-byte salt',
        () =>
          algorithmFromIdentifiers({
            signature: pss({ hashAlgorithm: sha('sha256'), maskGenAlgorithm: mgf1('sha256'), saltLength: 20 }),
            publicKey: keys.get('rsa')!,
          }),
      ],
      [
        'RSA-PSS with MGF1 over another hash',
        () =>
          algorithmFromIdentifiers({
            signature: pss({ hashAlgorithm: sha('sha256'), maskGenAlgorithm: mgf1('sha384'), saltLength: 32 }),
            publicKey: keys.get('rsa')!,
          }),
      ],
      [
        'a signature hash that is not the digest hash',
        () =>
          algorithmFromIdentifiers({
            signature: signatureAlgorithmIdentifier(getAlgorithm('rsa-pkcs1-sha256')),
            digest: digestAlgorithmIdentifier('sha512'),
            publicKey: keys.get('rsa')!,
          }),
      ],
      [
        'ECDSA P-256 with SHA-384',
        () =>
          algorithmFromIdentifiers({
            signature: signatureAlgorithmIdentifier(getAlgorithm('ecdsa-p384-sha384')),
            publicKey: keys.get('P-256')!,
          }),
      ],
    ])('%s as UNSUPPORTED_ALGORITHM', (_name, fn) => throwsCode(fn, 'UNSUPPORTED_ALGORITHM'));

    it('a signature scheme that does not fit the key as ALGORITHM_KEY_MISMATCH', () => {
      throwsCode(
        () =>
          algorithmFromIdentifiers({
            signature: signatureAlgorithmIdentifier(getAlgorithm('ecdsa-p256-sha256')),
            publicKey: keys.get('rsa')!,
          }),
        'ALGORITHM_KEY_MISMATCH',
      );
      throwsCode(
        () =>
          algorithmFromIdentifiers({
            signature: signatureAlgorithmIdentifier(getAlgorithm('rsa-pss-sha256')),
            publicKey: keys.get('P-256')!,
          }),
        'ALGORITHM_KEY_MISMATCH',
      );
    });

    it('a public key that is not DER as INVALID_ARGUMENT', () => {
      const signature = signatureAlgorithmIdentifier(getAlgorithm('ecdsa-p256-sha256'));
      expect(() => algorithmFromIdentifiers({ signature, publicKey: new Uint8Array([1, 2, 3]) })).toThrow(
        expect.toSatisfy((e) => isSignetError(e, 'INVALID_ARGUMENT')),
      );
    });
  });
});
