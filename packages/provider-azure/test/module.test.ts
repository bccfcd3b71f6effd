import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSignetError, type SignetError } from '@signet/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialFromEnv, signetProvider } from '../src/index.js';
import { startFakeVault } from './fake-vault/fake-vault.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-azure-module-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function refusal(call: Promise<unknown>): Promise<SignetError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSignetError(error)) throw new Error(`expected a SignetError, got ${String(error)}`);
  return error;
}

describe('the @signet/provider-azure module', () => {
  it('serves the azurekv scheme, trusts caFile, and takes its credential from env alone', async () => {
    expect(signetProvider.scheme).toBe('azurekv');
    const vault = await startFakeVault();
    try {
      const caFile = join(dir, 'ca.pem');
      await writeFile(caFile, vault.ca);
      const provider = await signetProvider.create(
        { vaultUrl: vault.url, caFile, disableChallengeResourceVerification: true, retry: { attempts: 1 } },
        { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: join(dir, 'missing.pem') },
      );
      expect(provider.scheme).toBe('azurekv');
      // TLS to the fake holds and its challenge arrives; the certificate credential then has no file to read.
      const error = await refusal(provider.getKey(`azurekv://${vault.host}/keys/k`));
      expect([error.code, error.details.reason]).toEqual(['PERMISSION_DENIED', 'credential']);
      expect(vault.requests.map((r) => r.status)).toEqual([401]);
      await provider.close?.();
    } finally {
      await vault.close();
    }
  });

  it('names every wrong option at once', async () => {
    const error = await refusal(
      signetProvider.create({ vaultUrls: [1], hsm: 'yes', retry: { attempts: -1, tries: 2 }, colour: 'blue' }, {}),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.problems).toEqual([
      'unknown option "colour"',
      'vaultUrls must be a list of strings',
      'hsm must be true or false',
      'retry.attempts must be a non-negative number',
      'unknown option "retry.tries"',
    ]);
    expect((await refusal(signetProvider.create({}, {}))).details.problems).toEqual([
      'vaultUrl (or vaultUrls) is required',
    ]);
    expect((await refusal(signetProvider.create(null, {}))).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses a vault URL that is not https, and a CA file it cannot read', async () => {
    expect((await refusal(signetProvider.create({ vaultUrl: 'http://acme.vault.azure.net' }, {}))).code).toBe(
      'INVALID_ARGUMENT',
    );
    const missing = { vaultUrl: 'https://acme.vault.azure.net', caFile: join(dir, 'none.pem') };
    expect((await refusal(signetProvider.create(missing, {}))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('credentials from the environment', () => {
  const ids = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' };

  it('prefer a client secret, then a client certificate, then a federated token file, else the default chain', () => {
    expect(credentialFromEnv({ ...ids, AZURE_CLIENT_SECRET: 's', AZURE_FEDERATED_TOKEN_FILE: 'f' }).kind).toBe(
      'client-secret',
    );
    expect(credentialFromEnv({ ...ids, AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem' }).kind).toBe('client-certificate');
    expect(credentialFromEnv({ ...ids, AZURE_FEDERATED_TOKEN_FILE: '/t' }).kind).toBe('workload-identity');
    expect(credentialFromEnv({}).kind).toBe('default');
    expect(credentialFromEnv({ AZURE_CLIENT_ID: 'managed-identity' }).kind).toBe('default');
  });

  it('refuse a secret without the tenant and client ids, naming what is missing', () => {
    try {
      credentialFromEnv({ AZURE_CLIENT_SECRET: 's', AZURE_CLIENT_ID: 'c' });
      expect.unreachable();
    } catch (error) {
      expect(isSignetError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as SignetError).details.missing).toEqual(['AZURE_TENANT_ID']);
    }
  });

  it('build the credential through @azure/identity on the first token request', async () => {
    const { credential } = credentialFromEnv({
      ...ids,
      AZURE_CLIENT_CERTIFICATE_PATH: join(dir, 'no-such-certificate.pem'),
    });
    // The identity library loads and the certificate credential fails on its missing file.
    await expect(credential.getToken('https://vault.azure.net/.default')).rejects.toThrow(/no-such-certificate/);
  });
});
