import { randomBytes } from 'node:crypto';
import {
  GetPublicKeyCommand,
  KMSClient,
  ListKeysCommand,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import './helpers.js';

/** The fake must refuse what KMS refuses, or the provider's tests prove less than they claim. */
describe('the loopback KMS refuses malformed requests as KMS does', () => {
  let fake: FakeKms;
  let client: KMSClient;
  let key: Awaited<ReturnType<FakeKms['addKey']>>;

  beforeAll(async () => {
    fake = await startFakeKms({ pageSize: 1 });
    key = await fake.addKey({ spec: 'ECC_NIST_P256', aliases: ['fidelity'] });
    await fake.addKey({ spec: 'RSA_2048' });
    client = new KMSClient({
      region: fake.region,
      endpoint: fake.endpoint,
      credentials: fake.credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await fake.close();
  });

  const awsError = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (e: { name: string; $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode}`,
    );
  const sign = (input: Partial<SignCommandInput>) =>
    client.send(
      new SignCommand({
        KeyId: key.arn,
        Message: randomBytes(32),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
        ...input,
      } as SignCommandInput),
    );

  it('answers AWS JSON 1.1 to a request SigV4-signed by the real client', async () => {
    const out = await client.send(new GetPublicKeyCommand({ KeyId: 'alias/fidelity' }));
    expect(out.KeyId).toBe(key.arn);
    expect(out.KeySpec).toBe('ECC_NIST_P256');
    expect(Buffer.from(out.PublicKey!).equals(Buffer.from(key.publicKey!))).toBe(true);
  });

  it('refuses unsigned, badly signed and foreign requests', async () => {
    const post = (headers: Record<string, string>, body = '{}') =>
      fetch(fake.endpoint, { method: 'POST', headers, body }).then(
        async (r) => `${((await r.json()) as { __type: string }).__type} ${r.status}`,
      );
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    expect(await post({ ...json, 'x-amz-target': 'TrentService.ListKeys' })).toBe(
      'MissingAuthenticationTokenException 400',
    );
    expect(
      await post({
        ...json,
        'x-amz-target': 'TrentService.ListKeys',
        authorization: `AWS4-HMAC-SHA256 Credential=${fake.credentials.accessKeyId}/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
        'x-amz-date': '20260101T000000Z',
      }),
    ).toBe('InvalidSignatureException 400');
    expect(await post({ ...json, 'x-amz-target': 'TrentService.Nope' })).toBe('UnknownOperationException 400');
    expect(await post({ 'content-type': 'application/json', 'x-amz-target': 'TrentService.ListKeys' })).toBe(
      'SerializationException 400',
    );
    const elsewhere = new KMSClient({
      region: 'eu-west-1',
      endpoint: fake.endpoint,
      credentials: fake.credentials,
      maxAttempts: 1,
    });
    expect(await awsError(elsewhere.send(new ListKeysCommand({})))).toBe('InvalidSignatureException 400');
    elsewhere.destroy();
  });

  it('checks Sign as KMS does: digest length, algorithm, key usage and state', async () => {
    expect(await awsError(sign({ Message: randomBytes(31) }))).toBe('ValidationException 400');
    expect(await awsError(sign({ Message: new Uint8Array(0) }))).toBe('ValidationException 400');
    expect(await awsError(sign({ Message: randomBytes(4097), MessageType: 'RAW' }))).toBe('ValidationException 400');
    expect(await awsError(sign({ SigningAlgorithm: 'ECDSA_SHA_1' as never }))).toBe('ValidationException 400');
    expect(await awsError(sign({ SigningAlgorithm: 'ECDSA_SHA_384', Message: randomBytes(48) }))).toBe(
      'InvalidKeyUsageException 400',
    );
    expect(await awsError(sign({ SigningAlgorithm: 'RSASSA_PSS_SHA_256' }))).toBe('InvalidKeyUsageException 400');
    expect(await awsError(sign({ KeyId: 'not-a-key' }))).toBe('NotFoundException 400');
    expect(await awsError(sign({ KeyId: 'arn:aws:kms:nowhere' }))).toBe('InvalidArnException 400');
    key.state = 'Disabled';
    expect(await awsError(sign({}))).toBe('DisabledException 400');
    key.state = 'Enabled';
    fake.faults.outage(1, 'dependency-timeout');
    expect(await awsError(sign({}))).toBe('DependencyTimeoutException 503');
  });

  it('pages lists with an opaque marker and refuses a forged one', async () => {
    const first = await client.send(new ListKeysCommand({}));
    expect(first.Keys).toHaveLength(1);
    expect(first.Truncated).toBe(true);
    const second = await client.send(new ListKeysCommand({ Marker: first.NextMarker! }));
    expect(second.Truncated).toBe(false);
    expect(await awsError(client.send(new ListKeysCommand({ Marker: 'forged' })))).toBe('InvalidMarkerException 400');
    expect(await awsError(client.send(new ListKeysCommand({ Limit: 1001 })))).toBe('ValidationException 400');
  });
});
