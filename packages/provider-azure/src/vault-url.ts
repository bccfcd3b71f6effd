import { SignetError } from '@signet/sdk';
import { normalizeHost } from './key-uri.js';
import { show } from './show.js';

/** A vault this provider serves. */
export interface Vault {
  /** `https://HOST`, as the Key Vault SDK takes it. */
  readonly url: string;
  /** The host as key URIs spell it (see {@link normalizeHost}). */
  readonly host: string;
}

/**
 * Checks a vault URL (`https://acme.vault.azure.net`, `https://acme.managedhsm.azure.net`): https
 * only (Key Vault serves nothing else, and a bearer token must never travel in clear), no path,
 * query or user info.
 *
 * @throws SignetError `INVALID_ARGUMENT`
 */
export function parseVaultUrl(raw: string): Vault {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badVaultUrl(raw, 'not a URL');
  }
  if (url.protocol !== 'https:') throw badVaultUrl(raw, 'a vault URL must use https');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    throw badVaultUrl(raw, 'a vault URL has no path, query, fragment or user info');
  }
  let host: string;
  try {
    host = normalizeHost(url.host);
  } catch {
    throw badVaultUrl(raw, 'the host must be a DNS name or an IPv4 address');
  }
  return { url: `https://${host}`, host };
}

function badVaultUrl(raw: string, why: string): SignetError {
  return new SignetError('INVALID_ARGUMENT', `"${show(raw)}" is not a Key Vault URL: ${why}`, {
    details: { vaultUrl: show(raw) },
  });
}
