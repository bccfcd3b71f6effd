import { isSignetError } from '@signet/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAzureKeyUri, parseAzureKeyUri } from '../src/key-uri.js';
import { parseVaultUrl } from '../src/vault-url.js';

const VERSION = '0123456789abcdef0123456789abcdef';

describe('Azure key URIs', () => {
  it('read the vault host, the key name and an optional version', () => {
    expect(parseAzureKeyUri('azurekv://acme.vault.azure.net/keys/release')).toEqual({
      host: 'acme.vault.azure.net',
      name: 'release',
    });
    expect(parseAzureKeyUri(`azurekv://acme.managedhsm.azure.net/keys/Release-2/${VERSION}`)).toEqual({
      host: 'acme.managedhsm.azure.net',
      name: 'Release-2',
      version: VERSION,
    });
    expect(parseAzureKeyUri('azurekv://127.0.0.1:8443/keys/k').host).toBe('127.0.0.1:8443');
  });

  it('normalise the host (lower case, no :443) and the version (lower case)', () => {
    const parsed = parseAzureKeyUri(`azurekv://ACME.vault.azure.net:443/keys/k/${VERSION.toUpperCase()}`);
    expect(formatAzureKeyUri(parsed)).toBe(`azurekv://acme.vault.azure.net/keys/k/${VERSION}`);
  });

  it('refuse other shapes with INVALID_KEY_URI', () => {
    const bad = [
      'azurekv://acme.vault.azure.net/keys/',
      'azurekv://acme.vault.azure.net/secrets/k',
      'azurekv://acme.vault.azure.net/keys/k/v1',
      `azurekv://acme.vault.azure.net/keys/k/${VERSION}/sign`,
      'azurekv://acme.vault.azure.net/keys/under_score',
      'azurekv://acme.vault.azure.net/keys/k?x=1',
      'azurekv://acme.vault.azure.net/keys/k#f',
      'azurekv://acme.vault.azure.net/keys/%6B',
      'azurekv://user@acme.vault.azure.net/keys/k',
      'azurekv://acme.vault.azure.net:99999/keys/k',
      'azurekv://-acme.vault.azure.net/keys/k',
      'AZUREKV://acme.vault.azure.net/keys/k',
      'https://acme.vault.azure.net/keys/k',
      `azurekv://a/keys/${'k'.repeat(128)}`,
    ];
    for (const uri of bad)
      expect(() => parseAzureKeyUri(uri), uri).toThrowError(expect.objectContaining({ code: 'INVALID_KEY_URI' }));
  });

  it('refuse values that are not strings, even ones that cannot be printed', () => {
    for (const value of [
      undefined,
      null,
      42,
      Symbol('k'),
      Object.create(null),
      { toString: () => 'azurekv://a/keys/k' },
    ]) {
      expect(() => parseAzureKeyUri(value as never)).toThrowError(expect.objectContaining({ code: 'INVALID_KEY_URI' }));
    }
  });

  it('round-trip: formatting a parsed URI and parsing it again changes nothing', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const key = fc.record(
      {
        host: fc
          .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.option(fc.integer({ min: 1, max: 65535 })))
          .filter(([, port]) => port !== 443)
          .map(([labels, port]) => labels.join('.') + (port === null ? '' : `:${port}`)),
        name: fc.stringMatching(/^[0-9A-Za-z-]{1,127}$/),
        version: fc.stringMatching(/^[0-9a-f]{32}$/),
      },
      { requiredKeys: ['host', 'name'] },
    );
    fc.assert(
      fc.property(key, (k) => {
        expect(parseAzureKeyUri(formatAzureKeyUri(k))).toEqual(k);
      }),
      { numRuns: 500 },
    );
  });

  it('never crash on arbitrary input: a parse, or a typed INVALID_KEY_URI', () => {
    const near = fc.oneof(
      fc.string(),
      fc.string().map((s) => `azurekv://${s}`),
      fc.tuple(fc.string(), fc.string()).map(([h, n]) => `azurekv://${h}/keys/${n}`),
      fc.tuple(fc.string(), fc.string(), fc.string()).map(([h, n, v]) => `azurekv://${h}/keys/${n}/${v}`),
    );
    fc.assert(
      fc.property(fc.oneof(near, fc.anything({ withNullPrototype: true, withBigInt: true })), (input) => {
        try {
          const parsed = parseAzureKeyUri(input as string);
          expect(parseAzureKeyUri(formatAzureKeyUri(parsed))).toEqual(parsed);
        } catch (error) {
          expect(isSignetError(error, 'INVALID_KEY_URI')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('vault URLs', () => {
  it('are https origins, normalised like key URI hosts', () => {
    expect(parseVaultUrl('https://ACME.vault.azure.net:443/')).toEqual({
      url: 'https://acme.vault.azure.net',
      host: 'acme.vault.azure.net',
    });
  });

  it('refuse anything else with INVALID_ARGUMENT', () => {
    for (const url of [
      'http://acme.vault.azure.net',
      'https://acme.vault.azure.net/keys',
      'acme',
      'https://u:p@acme.net',
      'https://[::1]',
    ]) {
      expect(() => parseVaultUrl(url), url).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});
