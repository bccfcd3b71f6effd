import { isSignetError } from '@signet/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyUri, parseKeyUri, parseVersionResourceName, type KeyVersionName } from '../src/resource-name.js';

const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_CHARS = `${LOWER}ABCDEFGHIJKLMNOPQRSTUVWXYZ_-`;

/** Any valid key version name, by its parts. */
const versionName: fc.Arbitrary<KeyVersionName> = fc.record({
  project: fc.tuple(chars(LOWER, 1, 1), chars(`${LOWER}-.:`, 0, 29)).map(([a, b]) => a + b),
  location: fc.tuple(chars(LOWER, 1, 1), chars(`${LOWER}-`, 0, 20)).map(([a, b]) => a + b),
  keyRing: chars(ID_CHARS, 1, 63),
  cryptoKey: chars(ID_CHARS, 1, 63),
  version: fc.bigInt({ min: 1n, max: 999_999_999_999_999_999n }).map(String),
});

function expectInvalidUri(uri: string): void {
  try {
    parseKeyUri(uri);
  } catch (error) {
    expect(isSignetError(error, 'INVALID_KEY_URI'), String(error)).toBe(true);
    return;
  }
  throw new Error(`${uri} parsed`);
}

describe('gcpkms key URIs', () => {
  it('parse back to the parts they were made from', () => {
    fc.assert(
      fc.property(versionName, (parts) => {
        expect(parseKeyUri(keyUri(parts))).toEqual(parts);
      }),
    );
  });

  it('are the resource name behind gcpkms://', () => {
    fc.assert(
      fc.property(versionName, (parts) => {
        const uri = keyUri(parts);
        expect(uri.startsWith('gcpkms://projects/')).toBe(true);
        expect(parseVersionResourceName(uri.slice('gcpkms://'.length))).toEqual(parts);
      }),
    );
  });

  it('refuse anything else with INVALID_KEY_URI and never another error', () => {
    fc.assert(
      fc.property(fc.string(), (junk) => {
        try {
          parseKeyUri(junk);
          return junk.startsWith('gcpkms://projects/');
        } catch (error) {
          return isSignetError(error, 'INVALID_KEY_URI');
        }
      }),
    );
  });

  it('refuse a valid URI with any one segment emptied or given a character names never hold', () => {
    const damage = fc.constantFrom('', '/', '%2F', '?x', '#x', ' ', 'é', '\n');
    fc.assert(
      fc.property(versionName, fc.integer({ min: 0, max: 9 }), damage, (parts, at, bad) => {
        const segments = keyUri(parts).slice('gcpkms://'.length).split('/');
        segments[at] = bad === '' ? '' : `${segments[at]}${bad}`;
        expectInvalidUri(`gcpkms://${segments.join('/')}`);
      }),
    );
  });

  it('explain that a key without a version needs one', () => {
    try {
      parseKeyUri('gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k');
      throw new Error('parsed');
    } catch (error) {
      expect(isSignetError(error, 'INVALID_KEY_URI')).toBe(true);
      expect((error as Error).message).toContain('/cryptoKeyVersions/N');
    }
  });

  it.each([
    'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/0',
    'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/01',
    'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1/',
    'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/versions/1',
    'gcpkms:projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1',
    'awskms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1',
    'gcpkms://projects/P/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1',
    `gcpkms://projects/p/locations/l/keyRings/${'r'.repeat(64)}/cryptoKeys/k/cryptoKeyVersions/1`,
  ])('refuses %s', (uri) => expectInvalidUri(uri));
});
