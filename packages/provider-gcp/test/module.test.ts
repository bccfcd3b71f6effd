import { isSignetError } from '@signet/sdk';
import { describe, expect, it } from 'vitest';
import { signetProvider } from '../src/index.js';
import { parseGcpKmsOptions } from '../src/module.js';
import { LOCATION, RING, uriOf, useFakeKms } from './helpers.js';

function problemsOf(options: unknown, env = {}): string[] {
  try {
    parseGcpKmsOptions(options, env);
  } catch (error) {
    expect(isSignetError(error, 'INVALID_ARGUMENT')).toBe(true);
    return (error as { details: { problems: string[] } }).details.problems;
  }
  return [];
}

describe('signetProvider (the configuration file entry point)', () => {
  const fake = useFakeKms(async (f) => void (await f.addKey(RING, 'app', { algorithm: 'EC_SIGN_P256_SHA256' })));

  it('serves gcpkms: keys', () => {
    expect(signetProvider.scheme).toBe('gcpkms');
  });

  it('creates a provider from plain options, with the token from the environment', async () => {
    const provider = await signetProvider.create(
      {
        project: 'signet-test',
        location: 'europe-west1',
        keyRings: ['release'],
        endpoint: fake().endpoint,
        retry: { attempts: 2 },
      },
      { GOOGLE_OAUTH_ACCESS_TOKEN: fake().token },
    );
    try {
      const keys = await provider.listKeys();
      expect(keys.map((k) => k.uri)).toEqual([uriOf(`${RING}/cryptoKeys/app/cryptoKeyVersions/1`)]);
    } finally {
      await provider.close?.();
    }
  });

  it('lists every key ring of project/location when no key ring is named', () => {
    expect(parseGcpKmsOptions({ project: 'signet-test', location: 'europe-west1' }, {})).toMatchObject({
      keyRings: [],
      locations: [LOCATION],
    });
  });

  it('takes credentials from the environment only: a token first, else a key file', () => {
    expect(
      parseGcpKmsOptions({}, { GOOGLE_OAUTH_ACCESS_TOKEN: 't', GOOGLE_APPLICATION_CREDENTIALS: '/k.json' }),
    ).toMatchObject({
      accessToken: 't',
    });
    expect(parseGcpKmsOptions({}, { GOOGLE_APPLICATION_CREDENTIALS: '/k.json' })).toMatchObject({
      keyFilename: '/k.json',
    });
    expect(problemsOf({ accessToken: 'in-the-file' })).toEqual(['unknown option "accessToken"']);
  });

  it('names every wrong option at once', () => {
    const problems = problemsOf({
      project: 'p',
      keyRings: ['release', 'projects/p/locations/l/keyRings/ok'],
      locations: 'everywhere',
      timeoutMs: -1,
      retry: { attempts: 0, jitter: true },
      colour: 'blue',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'unknown option "colour"',
        'keyRings: "release" is not projects/P/locations/L/keyRings/R',
        'locations must be a list of location names',
        'project and location go together',
        'timeoutMs must be a positive integer (milliseconds)',
        'unknown option "retry.jitter"',
        'retry.attempts must be an integer of at least 1',
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it.each([
    ['http://kms.example.com', 'plain http to another host'],
    ['https://cloudkms.googleapis.com/v1', 'a path'],
    ['ftp://cloudkms.googleapis.com', 'another protocol'],
  ])('refuses the endpoint %s (%s)', async (endpoint) => {
    const error = await signetProvider.create({ endpoint }, {}).catch((e: unknown) => e);
    expect(isSignetError(error, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('refuses options that are not an object', () => {
    expect(problemsOf(['release'])).toEqual(['options must be an object']);
  });
});
