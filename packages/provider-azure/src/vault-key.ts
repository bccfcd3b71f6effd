import { algorithmsForKeySpec, SignetError, type KeyInfo, type NamedCurve, type KeySpec } from '@signet/sdk';
import { publicKeyFacts } from './jwk.js';
import { formatAzureKeyUri, type AzureKeyUri } from './key-uri.js';
import type { VaultKey } from './vault-client.js';

/** A vault key version resolved to what signing needs. */
export interface ResolvedKey {
  /** The URI it was asked by (pinned or not): `KeyInfo.uri`. */
  readonly info: KeyInfo;
  /** The concrete version that signs. */
  readonly version: string;
  readonly spec: KeySpec;
  readonly curve?: NamedCurve;
  /** `key_ops` allows `sign` (absent `key_ops` allows everything). */
  readonly canSign: boolean;
  readonly enabled: boolean;
  readonly notBefore?: Date;
  readonly expiresOn?: Date;
}

/**
 * Describes a key the vault returned, under the URI it was asked by.
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM` for key types Signet does not sign with.
 */
export function resolveVaultKey(key: VaultKey, asked: AzureKeyUri): ResolvedKey {
  const version = key.properties.version;
  if (!version || !key.key) {
    throw new SignetError('INTERNAL', `The vault answered for ${formatAzureKeyUri(asked)} without a key version`);
  }
  const uri = formatAzureKeyUri(asked);
  const facts = publicKeyFacts(key.key, formatAzureKeyUri({ ...asked, version }));
  const { createdOn, notBefore, expiresOn } = key.properties;
  const info: KeyInfo = {
    uri,
    name: asked.name,
    spec: facts.spec,
    algorithms: algorithmsForKeySpec(facts.spec).map((a) => a.id),
    publicKey: facts.publicKey,
    // Key Vault keys carry no certificate (Key Vault *certificates* do): see the README.
    certificates: [],
    ...(createdOn ? { createdAt: createdOn } : {}),
  };
  return {
    info,
    version,
    spec: facts.spec,
    ...(facts.curve ? { curve: facts.curve } : {}),
    canSign: !key.keyOperations || key.keyOperations.includes('sign'),
    enabled: key.properties.enabled !== false,
    ...(notBefore ? { notBefore } : {}),
    ...(expiresOn ? { expiresOn } : {}),
  };
}

/**
 * Refuses, before any call, what the vault (and the Azure SDK's own local checks) would refuse:
 * a key whose `key_ops` exclude `sign`, or one outside its validity window. A disabled key is
 * left to the vault, which says so with 403, so a key enabled again signs at once.
 *
 * @throws SignetError `PERMISSION_DENIED`
 */
export function assertCanSign(key: ResolvedKey, now = new Date()): void {
  const uri = key.info.uri;
  const refuse = (reason: string, message: string) =>
    new SignetError('PERMISSION_DENIED', `${uri}: ${message}`, { details: { key: uri, reason } });
  if (!key.canSign) throw refuse('operation-not-permitted', 'the key does not allow the sign operation');
  if (key.notBefore && now < key.notBefore) {
    throw refuse('not-yet-valid', `the key is not valid before ${key.notBefore.toISOString()}`);
  }
  if (key.expiresOn && now > key.expiresOn)
    throw refuse('expired', `the key expired at ${key.expiresOn.toISOString()}`);
}
