import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { SignetError } from '@signet/sdk';

type Identity = typeof import('@azure/identity');

/**
 * A credential built on its first token request. `@azure/identity` (MSAL and all) is loaded only
 * then, so a provider given its own credential, and every test, never loads it.
 */
export function lazyCredential(create: (identity: Identity) => TokenCredential): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      credential ??= import('@azure/identity').then(create);
      credential.catch(() => (credential = undefined));
      return (await credential).getToken(scopes, options);
    },
  };
}

/** `DefaultAzureCredential`: environment, workload identity, managed identity, Azure CLI, in that order. */
export function defaultCredential(): TokenCredential {
  return lazyCredential((identity) => new identity.DefaultAzureCredential());
}

/** Which credential {@link credentialFromEnv} chose. */
export type CredentialKind = 'client-secret' | 'client-certificate' | 'workload-identity' | 'default';

/**
 * Chooses a credential from environment variables, the names `@azure/identity` documents, but read
 * from `env` (the caller's, not necessarily `process.env`): a client secret, then a client
 * certificate, then a federated token file (workload identity); otherwise
 * `DefaultAzureCredential` with `AZURE_CLIENT_ID` as the managed identity's client id.
 * `AZURE_AUTHORITY_HOST` selects a sovereign cloud.
 *
 * @throws SignetError `INVALID_ARGUMENT` when a secret, certificate or token file is given without
 * `AZURE_TENANT_ID` and `AZURE_CLIENT_ID`.
 */
export function credentialFromEnv(env: Readonly<Record<string, string | undefined>>): {
  kind: CredentialKind;
  credential: TokenCredential;
} {
  const tenantId = env.AZURE_TENANT_ID;
  const clientId = env.AZURE_CLIENT_ID;
  const authority = env.AZURE_AUTHORITY_HOST ? { authorityHost: env.AZURE_AUTHORITY_HOST } : {};
  const explicit = env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH || env.AZURE_FEDERATED_TOKEN_FILE;
  if (explicit && !(tenantId && clientId)) {
    const missing = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID'].filter((name) => !env[name]);
    throw new SignetError('INVALID_ARGUMENT', `Azure credentials need ${missing.join(' and ')} in the environment`, {
      details: { missing },
    });
  }
  if (env.AZURE_CLIENT_SECRET) {
    const secret = env.AZURE_CLIENT_SECRET;
    return {
      kind: 'client-secret',
      credential: lazyCredential((id) => new id.ClientSecretCredential(tenantId!, clientId!, secret, authority)),
    };
  }
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
    const certificate = {
      certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
      ...(env.AZURE_CLIENT_CERTIFICATE_PASSWORD ? { certificatePassword: env.AZURE_CLIENT_CERTIFICATE_PASSWORD } : {}),
    };
    return {
      kind: 'client-certificate',
      credential: lazyCredential(
        (id) => new id.ClientCertificateCredential(tenantId!, clientId!, certificate, authority),
      ),
    };
  }
  if (env.AZURE_FEDERATED_TOKEN_FILE) {
    const tokenFilePath = env.AZURE_FEDERATED_TOKEN_FILE;
    return {
      kind: 'workload-identity',
      credential: lazyCredential(
        (id) =>
          new id.WorkloadIdentityCredential({ tenantId: tenantId!, clientId: clientId!, tokenFilePath, ...authority }),
      ),
    };
  }
  return {
    kind: 'default',
    credential: lazyCredential(
      (id) =>
        new id.DefaultAzureCredential({
          ...(clientId ? { managedIdentityClientId: clientId } : {}),
          ...(tenantId ? { tenantId } : {}),
          ...authority,
        }),
    ),
  };
}
