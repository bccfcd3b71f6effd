import { SignetError } from '@signet/sdk';

/** The URI scheme of Cloud KMS keys: `gcpkms://` followed by a key version's resource name. */
export const SCHEME = 'gcpkms';

/** A Cloud KMS key version, by the parts of its resource name. */
export interface KeyVersionName {
  readonly project: string;
  readonly location: string;
  readonly keyRing: string;
  readonly cryptoKey: string;
  /** A positive decimal integer, as Cloud KMS numbers versions. */
  readonly version: string;
}

/*
 * One pattern per segment, from Cloud KMS's naming rules: key ring and key ids are 1-63 of
 * [a-zA-Z0-9_-]; projects are ids (or numbers, or domain-scoped `example.com:id`); locations are
 * region names. Nothing that needs percent-encoding passes, so a name is its own URI path.
 */
const PROJECT = '[a-z0-9][a-z0-9.:-]{0,99}';
const LOCATION = '[a-z0-9][a-z0-9-]{0,62}';
const ID = '[a-zA-Z0-9_-]{1,63}';
const VERSION = '[1-9][0-9]{0,17}';

const KEY_RING = `projects/(${PROJECT})/locations/(${LOCATION})/keyRings/(${ID})`;
const VERSION_NAME = new RegExp(`^${KEY_RING}/cryptoKeys/(${ID})/cryptoKeyVersions/(${VERSION})$`);
const KEY_NAME = new RegExp(`^${KEY_RING}/cryptoKeys/(${ID})$`);
const KEY_RING_NAME = new RegExp(`^${KEY_RING}$`);
const LOCATION_NAME = new RegExp(`^projects/(${PROJECT})/locations/(${LOCATION})$`);

/** `projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/N` */
export function versionResourceName(v: KeyVersionName): string {
  return `projects/${v.project}/locations/${v.location}/keyRings/${v.keyRing}/cryptoKeys/${v.cryptoKey}/cryptoKeyVersions/${v.version}`;
}

/**
 * The key URI of a key version.
 *
 * @example keyUri({ project: 'acme', location: 'global', keyRing: 'r', cryptoKey: 'k', version: '1' })
 * // 'gcpkms://projects/acme/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'
 */
export function keyUri(v: KeyVersionName): string {
  return `${SCHEME}://${versionResourceName(v)}`;
}

/** Parses a key version's resource name; undefined when `name` is not one. */
export function parseVersionResourceName(name: string): KeyVersionName | undefined {
  const m = typeof name === 'string' ? VERSION_NAME.exec(name) : null;
  return m ? { project: m[1]!, location: m[2]!, keyRing: m[3]!, cryptoKey: m[4]!, version: m[5]! } : undefined;
}

/**
 * Parses a key URI. A URI must name one key version: a version's algorithm and public key never
 * change, so a certificate issued for it and an audit record naming it stay true; an unversioned
 * key would start signing with another key pair the day someone adds a version.
 *
 * @throws SignetError `INVALID_KEY_URI`
 * @example parseKeyUri('gcpkms://projects/acme/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1').version // '1'
 */
export function parseKeyUri(uri: string): KeyVersionName {
  const prefix = `${SCHEME}://`;
  const name = typeof uri === 'string' && uri.startsWith(prefix) ? uri.slice(prefix.length) : undefined;
  const parsed = name === undefined ? undefined : parseVersionResourceName(name);
  if (parsed) return parsed;
  const hint =
    name !== undefined && KEY_NAME.test(name)
      ? 'it names a key, not a key version: add /cryptoKeyVersions/N'
      : `expected ${prefix}projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/N`;
  throw new SignetError('INVALID_KEY_URI', `"${String(uri)}" is not a Cloud KMS key URI: ${hint}`, {
    details: { uri },
  });
}

/** Whether `name` is `projects/P/locations/L/keyRings/R`. */
export function isKeyRingName(name: string): boolean {
  return typeof name === 'string' && KEY_RING_NAME.test(name);
}

/** Whether `name` is `projects/P/locations/L`. */
export function isLocationName(name: string): boolean {
  return typeof name === 'string' && LOCATION_NAME.test(name);
}

/** The key's resource name (`.../cryptoKeys/K`) from a version's. */
export function cryptoKeyOf(versionName: string): string {
  return versionName.slice(0, versionName.lastIndexOf('/cryptoKeyVersions/'));
}
