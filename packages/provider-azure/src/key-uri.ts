import { SignetError } from '@signet/sdk';
import { show } from './show.js';

/** The URI scheme of Key Vault keys: `azurekv://VAULT-HOST/keys/NAME[/VERSION]`. */
export const AZURE_KV_SCHEME = 'azurekv';

/** A parsed Key Vault key URI. */
export interface AzureKeyUri {
  /** The vault's host, lower case, with its port when not 443 (`acme.vault.azure.net`). */
  readonly host: string;
  /** The key's name: 1-127 letters, digits and dashes. */
  readonly name: string;
  /** A pinned key version (32 hex digits, lower case); absent for the key's current version. */
  readonly version?: string;
}

const URI = /^azurekv:\/\/([^/?#]+)\/keys\/([^/?#]+)(?:\/([^/?#]+))?$/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*(?::(\\d{1,5}))?$`);
/** Key Vault's own rule for key names. */
export const KEY_NAME = /^[0-9A-Za-z-]{1,127}$/;
/** Key Vault versions are 32 hex digits. */
const VERSION = /^[0-9a-f]{32}$/;

function invalid(uri: unknown, why: string): SignetError {
  return new SignetError(
    'INVALID_KEY_URI',
    `"${show(uri)}" is not an Azure Key Vault key URI (${why}; expected azurekv://VAULT-HOST/keys/NAME[/VERSION])`,
    { details: { uri: show(uri) } },
  );
}

/**
 * Normalises a host: lower case, port 443 dropped (it is https's default, so `vault:443` and
 * `vault` name the same vault).
 *
 * @throws SignetError `INVALID_KEY_URI` for anything but a DNS name or IPv4 address with an optional port.
 */
export function normalizeHost(raw: string, uri: unknown = raw): string {
  const host = raw.toLowerCase();
  const match = HOST.exec(host);
  if (!match) throw invalid(uri, `"${raw}" is not a host name`);
  const port = match[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw invalid(uri, `bad port ${port}`);
  return port === '443' ? host.slice(0, -4) : host;
}

/**
 * Parses `azurekv://VAULT-HOST/keys/NAME[/VERSION]`. Nothing is percent-decoded: names and versions
 * hold no character that would need it.
 *
 * @throws SignetError `INVALID_KEY_URI`
 * @example parseAzureKeyUri('azurekv://acme.vault.azure.net/keys/release') // { host, name: 'release' }
 */
export function parseAzureKeyUri(uri: string): AzureKeyUri {
  if (typeof uri !== 'string') throw invalid(uri, 'not a string');
  const match = URI.exec(uri);
  if (!match) throw invalid(uri, 'wrong shape');
  const host = normalizeHost(match[1]!, uri);
  const name = match[2]!;
  if (!KEY_NAME.test(name)) throw invalid(uri, 'a key name is 1-127 letters, digits and dashes');
  const version = match[3]?.toLowerCase();
  if (version === undefined) return { host, name };
  if (!VERSION.test(version)) throw invalid(uri, 'a key version is 32 hex digits');
  return { host, name, version };
}

/** The canonical URI of a key: `parseAzureKeyUri(formatAzureKeyUri(k))` gives `k` back. */
export function formatAzureKeyUri(key: AzureKeyUri): string {
  const base = `${AZURE_KV_SCHEME}://${key.host}/keys/${key.name}`;
  return key.version ? `${base}/${key.version}` : base;
}
