import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAwsKmsOptions, signetProvider } from '../src/index.js';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import { codeOf } from './helpers.js';

describe('loading the provider by package name (signetProvider)', () => {
  let fake: FakeKms;
  beforeAll(async () => {
    fake = await startFakeKms();
  });
  afterAll(() => fake.close());

  it('serves the awskms scheme, and signs with credentials taken from the environment', async () => {
    const key = await fake.addKey({ spec: 'ECC_NIST_P256', aliases: ['module'] });
    const env = {
      AWS_ACCESS_KEY_ID: fake.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fake.credentials.secretAccessKey,
      AWS_REGION: fake.region,
    };
    expect(signetProvider.scheme).toBe('awskms');
    const kms = await signetProvider.create({ endpoint: fake.endpoint, retry: { attempts: 2, baseDelayMs: 1 } }, env);
    expect(kms.capabilities).toEqual({ generateKeys: true, signMessage: true, storeCertificates: false });
    expect(kms.setCertificates).toBeUndefined();
    expect((await kms.getKey('awskms:///alias/module')).uri).toBe(key.uri);
    const signature = await kms.sign({ key: key.uri, algorithm: 'ecdsa-p256-sha256', digest: randomBytes(32) });
    expect(signature[0]).toBe(0x30); // DER SEQUENCE
    await kms.close?.();
  });

  it('reads every option of a configuration file', () => {
    const options = parseAwsKmsOptions(
      {
        region: 'eu-west-1',
        endpoint: 'https://kms-fips.eu-west-1.amazonaws.com',
        profile: 'release',
        tags: { team: 'release' },
        keys: ['awskms:///alias/release'],
        retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 1000 },
        requestTimeoutMs: 2000,
        connectTimeoutMs: 1000,
        listConcurrency: 4,
      },
      { AWS_REGION: 'us-east-1' },
    );
    expect(options).toEqual({
      region: 'eu-west-1',
      endpoint: 'https://kms-fips.eu-west-1.amazonaws.com',
      profile: 'release',
      tags: { team: 'release' },
      keys: ['awskms:///alias/release'],
      retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 1000 },
      requestTimeoutMs: 2000,
      connectTimeoutMs: 1000,
      listConcurrency: 4,
    });
    expect(parseAwsKmsOptions(undefined, { AWS_DEFAULT_REGION: 'ap-south-1' })).toEqual({ region: 'ap-south-1' });
    expect(
      parseAwsKmsOptions({}, { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' }),
    ).toEqual({ credentials: { accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't' } });
  });

  it('names every wrong option at once with INVALID_ARGUMENT', async () => {
    const bad = {
      region: 5,
      endpoint: 'kms.example',
      tags: { team: 1 },
      keys: 'awskms:///alias/x',
      retry: { attempts: 0, jitter: true },
      requestTimeoutMs: -1,
      secretAccessKey: 'never in a file',
    };
    try {
      parseAwsKmsOptions(bad, { AWS_ACCESS_KEY_ID: 'AKIA' });
      expect.unreachable();
    } catch (error) {
      const e = error as { code: string; details: { problems: string[] } };
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.details.problems).toHaveLength(9);
    }
    expect(await codeOf(signetProvider.create('not an object', {}))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(signetProvider.create({ keys: ['awskms:///alias/ok', 'soft://release'] }, {}))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
