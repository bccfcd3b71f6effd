import type { StoredVersion } from './key-store.js';

/* Key Vault's JSON shapes (api-version 7.x / 2025-07-01), as the service writes them. */

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Key Vault's error body: `{"error":{"code":"KeyNotFound","message":"..."}}`. */
export function vaultError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

function seconds(date: Date | undefined): number | undefined {
  return date ? Math.floor(date.getTime() / 1000) : undefined;
}

export function attributes(key: StoredVersion) {
  return {
    enabled: key.enabled,
    ...(key.notBefore ? { nbf: seconds(key.notBefore) } : {}),
    ...(key.expiresOn ? { exp: seconds(key.expiresOn) } : {}),
    created: key.created,
    updated: key.created,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: 90,
  };
}

export function keyBundle(base: string, key: StoredVersion) {
  return {
    key: { kid: `${base}/keys/${key.name}/${key.version}`, kty: key.kty, key_ops: key.keyOps, ...key.jwk },
    attributes: attributes(key),
  };
}

/** An item of `GET /keys`: the key's unversioned id. */
export function keyItem(base: string, key: StoredVersion) {
  return { kid: `${base}/keys/${key.name}`, attributes: attributes(key) };
}

/** An item of `GET /keys/NAME/versions`. */
export function versionItem(base: string, key: StoredVersion) {
  return { kid: `${base}/keys/${key.name}/${key.version}`, attributes: attributes(key) };
}

/** One page of a listing, with Key Vault's `nextLink` (absolute, api-version and skip token in it). */
export function page<T>(items: T[], skip: number, size: number, nextBase: string, apiVersion: string) {
  const next = skip + size;
  return {
    value: items.slice(skip, next),
    nextLink:
      next < items.length ? `${nextBase}?api-version=${apiVersion}&$skiptoken=${next}&maxresults=${size}` : null,
  };
}
