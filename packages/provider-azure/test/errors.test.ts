import { randomBytes } from 'node:crypto';
import { CredentialUnavailableError } from '@azure/identity';
import { isSignetError, SignetError } from '@signet/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toSignetError, type ErrorContext } from '../src/errors.js';
import { createVaultKeyClient, type VaultKeyClient } from '../src/vault-client.js';
import { startFakeVault, type FakeVault } from './fake-vault/fake-vault.js';
import { keyUri, openProvider, staticCredential } from './helpers/provider.js';

/*
 * The mapping is fed the errors the real Azure SDK throws when the fake answers the way Key Vault
 * does, not hand-made look-alikes.
 */

let vault: FakeVault;
let client: VaultKeyClient;
let rsaVersion: string;
let ecVersion: string;

function sdkClient(token: string): VaultKeyClient {
  return createVaultKeyClient(vault.url, staticCredential(token), {
    tlsOptions: { ca: vault.ca },
    disableChallengeResourceVerification: true,
  });
}

async function mapped(call: Promise<unknown>, context: Partial<ErrorContext> = {}): Promise<SignetError> {
  const error = await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  );
  return toSignetError(error, { operation: 'sign', target: 'azurekv://test/keys/k', ...context });
}

beforeAll(async () => {
  vault = await startFakeVault();
  rsaVersion = (await vault.createKey('rsa', 'rsa-2048')).version;
  ecVersion = (await vault.createKey('ec', 'ec-p256')).version;
  client = sdkClient(vault.token);
});
afterEach(() => vault.reset());
afterAll(() => vault.close());

describe('Key Vault errors become SignetErrors', () => {
  it('an algorithm the key cannot use (400 BadParameter, "incompatible") is ALGORITHM_KEY_MISMATCH', async () => {
    const call = client.getCryptographyClient('rsa', { keyVersion: rsaVersion }).sign('ES256', randomBytes(32));
    const error = await mapped(call);
    expect([error.code, error.details.status, error.details.vaultCode]).toEqual([
      'ALGORITHM_KEY_MISMATCH',
      400,
      'BadParameter',
    ]);
  });

  it('a digest of the wrong length (400 BadParameter, "Invalid length") is DIGEST_LENGTH_MISMATCH', async () => {
    const call = client.getCryptographyClient('ec', { keyVersion: ecVersion }).sign('ES256', randomBytes(31));
    expect((await mapped(call)).code).toBe('DIGEST_LENGTH_MISMATCH');
  });

  it('any other 400 is INVALID_ARGUMENT, and so is a 400 outside signing', async () => {
    const call = client.getCryptographyClient('ec', { keyVersion: ecVersion }).sign('HS256', randomBytes(32));
    expect((await mapped(call)).code).toBe('INVALID_ARGUMENT');
    expect((await mapped(client.getKey('bad_name'), { operation: 'get' })).code).toBe('INVALID_ARGUMENT');
  });

  it('404 KeyNotFound is KEY_NOT_FOUND', async () => {
    expect((await mapped(client.getKey('missing'), { operation: 'get' })).code).toBe('KEY_NOT_FOUND');
  });

  it('403 Forbidden and a rejected token (401 after the challenge) are PERMISSION_DENIED', async () => {
    vault.deny('get');
    expect((await mapped(client.getKey('ec'), { operation: 'get' })).code).toBe('PERMISSION_DENIED');
    vault.reset();
    const error = await mapped(sdkClient('not-the-token').getKey('ec'), { operation: 'get' });
    expect([error.code, error.details.status]).toEqual(['PERMISSION_DENIED', 401]);
  });

  it('409 on creation (a soft-deleted name) is KEY_EXISTS', async () => {
    vault.softDelete('gone');
    const call = client.createEcKey('gone', { curve: 'P-256', hsm: false, keyOps: ['sign'] });
    expect((await mapped(call, { operation: 'create' })).code).toBe('KEY_EXISTS');
  });

  it('429 is THROTTLED, retryable, with the Retry-After and the request id', async () => {
    vault.throttle(1);
    const error = await mapped(client.getKey('ec'), { operation: 'get' });
    expect([error.code, error.retryable, error.details.retryAfterMs]).toEqual(['THROTTLED', true, 1000]);
    expect(error.details.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('503 and a connection dropped unanswered are UNAVAILABLE, retryable', async () => {
    vault.outage(1);
    const outage = await mapped(client.getKey('ec'), { operation: 'get' });
    expect([outage.code, outage.retryable, outage.details.status]).toEqual(['UNAVAILABLE', true, 503]);
    vault.dropConnections(1);
    const dropped = await mapped(client.getKey('ec'), { operation: 'get' });
    expect([dropped.code, dropped.retryable]).toEqual(['UNAVAILABLE', true]);
  });

  it('a credential that cannot get a token is PERMISSION_DENIED', async () => {
    const { provider } = openProvider(vault, {
      credential: {
        getToken: async () => {
          throw new CredentialUnavailableError('no managed identity endpoint here');
        },
      },
    });
    const error = await provider.getKey(keyUri(vault, 'ec')).catch((e: unknown) => e);
    expect(isSignetError(error, 'PERMISSION_DENIED')).toBe(true);
    expect((error as SignetError).details.reason).toBe('credential');
  });

  it('an abort is ABORTED, our own timeout UNAVAILABLE, and anything else INTERNAL with its cause', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const context: ErrorContext = { operation: 'get', target: 't' };
    expect(toSignetError(abort, { ...context, signal: AbortSignal.abort() }).code).toBe('ABORTED');
    expect(toSignetError(abort, { ...context, timedOut: true }).details.reason).toBe('timeout');
    expect(toSignetError(abort, context).code).toBe('ABORTED');
    const odd = new TypeError('odd');
    const error = toSignetError(odd, context);
    expect([error.code, error.cause]).toEqual(['INTERNAL', odd]);
    const own = new SignetError('KEY_EXISTS', 'x');
    expect(toSignetError(own, context)).toBe(own);
  });
});
