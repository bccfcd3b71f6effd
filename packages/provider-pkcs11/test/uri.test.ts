import { isSignetError } from '@signet/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalPkcs11Uri, formatPkcs11Uri, parsePkcs11Uri, type Pkcs11Uri } from '../src/index.js';

const text = fc.string({ unit: 'binary', maxLength: 24 });
const anyUri: fc.Arbitrary<Pkcs11Uri> = fc.record(
  {
    libraryManufacturer: text,
    libraryDescription: text,
    libraryVersion: fc.record({ major: fc.nat({ max: 999 }), minor: fc.nat({ max: 999 }) }),
    slotManufacturer: text,
    slotDescription: text,
    slotId: fc.nat({ max: Number.MAX_SAFE_INTEGER }).filter((n) => String(n).length <= 15),
    manufacturer: text,
    model: text,
    serial: text,
    token: text,
    object: text,
    type: fc.constantFrom('public', 'private', 'cert', 'secret-key', 'data'),
    id: fc.uint8Array({ maxLength: 32 }),
  },
  { requiredKeys: [] },
);

/** Strings over the characters URIs are made of, so malformed ones come close to valid. */
const uriish = fc
  .array(
    fc.constantFrom(...'pkcs11:;=%?#&/ aAfF09xXtokenobjidype-.~é'.split(''), 'token=', 'id=', 'object=', '%2', ';'),
  )
  .map((parts) => `pkcs11:${parts.join('')}`);

function invalidCode(call: () => unknown): string | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    return isSignetError(error) ? error.code : `foreign ${String(error)}`;
  }
}

describe('pkcs11: URIs (RFC 7512)', () => {
  describe('parsing', () => {
    it('reads the RFC 7512 examples', () => {
      expect(parsePkcs11Uri('pkcs11:object=my-pubkey;type=public')).toEqual({ object: 'my-pubkey', type: 'public' });
      expect(
        parsePkcs11Uri(
          'pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;' +
            'object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=',
        ),
      ).toEqual({
        token: 'The Software PKCS#11 Softtoken',
        manufacturer: 'Snake Oil, Inc.',
        model: '1.0',
        object: 'my-certificate',
        type: 'cert',
        id: Uint8Array.from([0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91]),
        serial: '',
      });
      expect(parsePkcs11Uri('pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1').token).toBe(
        'Name with a small A with acute: á',
      );
      expect(
        parsePkcs11Uri('pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft;library-version=1.23'),
      ).toEqual({
        libraryManufacturer: 'Snake Oil, Inc.',
        libraryDescription: 'Soft',
        libraryVersion: { major: 1, minor: 23 },
      });
      expect(parsePkcs11Uri('pkcs11:slot-description=Sun%20Metaslot;slot-id=7')).toEqual({
        slotDescription: 'Sun Metaslot',
        slotId: 7,
      });
      expect(parsePkcs11Uri('pkcs11:')).toEqual({});
      expect(parsePkcs11Uri('PKCS11:object=a')).toEqual({ object: 'a' });
    });

    it('refuses query attributes (PIN, module) rather than ignoring them', () => {
      for (const uri of [
        'pkcs11:token=t;object=k?pin-value=1234',
        'pkcs11:token=t;object=k?pin-source=file:/etc/token_pin',
        'pkcs11:object=k?module-path=/tmp/evil.so',
        'pkcs11:object=k?module-name=softhsm2',
        'pkcs11:object=k?',
      ]) {
        expect(
          invalidCode(() => parsePkcs11Uri(uri)),
          uri,
        ).toBe('INVALID_KEY_URI');
      }
    });

    it('refuses malformed URIs with INVALID_KEY_URI', () => {
      for (const uri of [
        'pkcs11',
        'soft://release',
        'pkcs11:object=a;object=b', // an attribute at most once
        'pkcs11:;object=a',
        'pkcs11:object=a;',
        'pkcs11:object',
        'pkcs11:=a',
        'pkcs11:object=%zz',
        'pkcs11:object=%4',
        'pkcs11:object=a b', // a space must be %20
        'pkcs11:object=a/b',
        'pkcs11:object=é',
        'pkcs11:object=%FF', // not UTF-8
        'pkcs11:type=secret',
        'pkcs11:slot-id=x',
        'pkcs11:library-version=1.',
        'pkcs11:x-vendor=1', // a constraint we cannot check must not match silently
        'pkcs11:Object=a', // attribute names are case-sensitive
        'pkcs11:object=a#frag',
        `pkcs11:object=${'a'.repeat(9000)}`,
      ]) {
        expect(
          invalidCode(() => parsePkcs11Uri(uri)),
          uri,
        ).toBe('INVALID_KEY_URI');
      }
      for (const input of [42, null, undefined, {}, [], Object.create(null)]) {
        expect(invalidCode(() => parsePkcs11Uri(input as string))).toBe('INVALID_KEY_URI');
      }
    });

    it('never throws anything but INVALID_KEY_URI, whatever the input', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary' }), uriish), (input) => {
          const code = invalidCode(() => parsePkcs11Uri(input));
          expect(code === undefined || code === 'INVALID_KEY_URI').toBe(true);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('the canonical form', () => {
    it('round-trips: parse(format(uri)) is uri', () => {
      fc.assert(
        fc.property(anyUri, (uri) => {
          expect(parsePkcs11Uri(formatPkcs11Uri(uri))).toEqual(uri);
        }),
        { numRuns: 1000 },
      );
    });

    it('is a fixed point, and holds only characters a path value may carry', () => {
      fc.assert(
        fc.property(fc.oneof(anyUri.map(formatPkcs11Uri), uriish), (input) => {
          let canonical: string;
          try {
            canonical = canonicalPkcs11Uri(input);
          } catch {
            return; // malformed: covered above
          }
          expect(canonicalPkcs11Uri(canonical)).toBe(canonical);
          expect(canonical).toMatch(/^pkcs11:(?:[a-z-]+=(?:[A-Za-z0-9\-._~.]|%[0-9A-F]{2})*(?:;|$))*$/);
        }),
        { numRuns: 1000 },
      );
    });

    it('gives equivalent spellings one form (%-encoding, hex case, order)', () => {
      fc.assert(
        fc.property(anyUri, fc.boolean(), (uri, lower) => {
          const canonical = formatPkcs11Uri(uri);
          const parts = canonical.slice(7).split(';').filter(Boolean).reverse();
          const respelled = `pkcs11:${parts.join(';')}`.replace(/%[0-9A-F]{2}/g, (m) => (lower ? m.toLowerCase() : m));
          expect(canonicalPkcs11Uri(respelled)).toBe(canonical);
        }),
        { numRuns: 500 },
      );
      expect(canonicalPkcs11Uri('pkcs11:object=rel%65ase;token=ci')).toBe('pkcs11:token=ci;object=release');
      expect(canonicalPkcs11Uri('pkcs11:id=%0a%FF;object=a:b')).toBe('pkcs11:object=a%3Ab;id=%0A%FF');
      expect(canonicalPkcs11Uri('pkcs11:library-version=2')).toBe('pkcs11:library-version=2.0');
    });
  });
});
