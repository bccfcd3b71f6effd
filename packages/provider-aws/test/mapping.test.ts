import { KEY_SPECS, listAlgorithms, type SignetError } from '@signet/sdk';
import { describe, expect, it } from 'vitest';
import { algorithmsForKmsKey, fromKmsKeySpec, toKmsKeySpec, toKmsSigningAlgorithm } from '../src/algorithms.js';
import { toSignetError } from '../src/errors.js';

describe('KMS names for key specs and algorithms', () => {
  it('maps every Signet key spec to a KMS key spec and back', () => {
    for (const spec of KEY_SPECS) expect(fromKmsKeySpec(toKmsKeySpec(spec))).toBe(spec);
    expect(toKmsKeySpec('rsa-4096')).toBe('RSA_4096');
    expect(toKmsKeySpec('ec-p521')).toBe('ECC_NIST_P521');
    for (const other of ['ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_256', 'SM2', 'ML_DSA_65', undefined]) {
      expect(fromKmsKeySpec(other)).toBeUndefined();
    }
  });

  it('maps every Signet algorithm to the KMS signing algorithm of the same scheme and hash', () => {
    const names = listAlgorithms().map((a) => [a.id, toKmsSigningAlgorithm(a.id)]);
    expect(Object.fromEntries(names)).toEqual({
      'rsa-pkcs1-sha256': 'RSASSA_PKCS1_V1_5_SHA_256',
      'rsa-pkcs1-sha384': 'RSASSA_PKCS1_V1_5_SHA_384',
      'rsa-pkcs1-sha512': 'RSASSA_PKCS1_V1_5_SHA_512',
      'rsa-pss-sha256': 'RSASSA_PSS_SHA_256',
      'rsa-pss-sha384': 'RSASSA_PSS_SHA_384',
      'rsa-pss-sha512': 'RSASSA_PSS_SHA_512',
      'ecdsa-p256-sha256': 'ECDSA_SHA_256',
      'ecdsa-p384-sha384': 'ECDSA_SHA_384',
      'ecdsa-p521-sha512': 'ECDSA_SHA_512',
    });
  });

  it("lists a key's algorithms as KMS reports them, in Signet's order", () => {
    expect(algorithmsForKmsKey('rsa-3072', ['RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256'])).toEqual([
      'rsa-pkcs1-sha256',
      'rsa-pss-sha512',
    ]);
    expect(algorithmsForKmsKey('ec-p384', undefined)).toEqual(['ecdsa-p384-sha384']);
  });
});

describe('translating AWS SDK errors', () => {
  const code = (error: unknown) => toSignetError(error, { operation: 'Sign' }).code;
  const aws = (name: string, status: number, fault = 'client') =>
    Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

  it('maps errors the fake does not produce by name, status or socket code', () => {
    expect(code(aws('CredentialsProviderError', 0))).toBe('PERMISSION_DENIED');
    expect(code(aws('ExpiredTokenException', 400))).toBe('PERMISSION_DENIED');
    expect(code(aws('InvalidArnException', 400))).toBe('INVALID_KEY_URI');
    expect(code(aws('SomethingNew', 502, 'server'))).toBe('UNAVAILABLE');
    expect(code(aws('SomethingNew', 429))).toBe('THROTTLED');
    expect(code(aws('SomethingNew', 400))).toBe('INTERNAL');
    expect(code(Object.assign(new Error('connect'), { code: 'ECONNRESET' }))).toBe('UNAVAILABLE');
    expect(code(new Error('Region is missing'))).toBe('INVALID_ARGUMENT');
    expect(code('a string')).toBe('INTERNAL');
    expect(code(null)).toBe('INTERNAL');
  });

  it('keeps the AWS error as cause and its request id in details', () => {
    const original = Object.assign(aws('ThrottlingException', 400), {
      $metadata: { httpStatusCode: 400, requestId: 'r-1' },
    });
    const error: SignetError = toSignetError(original, { operation: 'Sign', key: 'awskms:///alias/x' });
    expect(error.cause).toBe(original);
    expect(error.details).toEqual({
      operation: 'Sign',
      key: 'awskms:///alias/x',
      awsError: 'ThrottlingException',
      httpStatus: 400,
      requestId: 'r-1',
    });
  });
});
