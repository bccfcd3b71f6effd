import { SignetError } from '@signet/sdk';
import type { TokenKey } from './keys.js';
import type { TokenIdentity } from './token-identity.js';
import { formatPkcs11Uri, parsePkcs11Uri, type Pkcs11Uri } from './uri.js';

/** The part of a key URI that picks the key within the token. */
export interface KeySelector {
  readonly label?: string;
  readonly id?: Uint8Array;
}

const TOKEN_FIELDS = [
  'libraryManufacturer',
  'libraryDescription',
  'slotManufacturer',
  'slotDescription',
  'slotId',
  'manufacturer',
  'model',
  'serial',
  'token',
] as const;

/**
 * Parses a key URI and checks it names a key pair (private key, public key, certificate share a
 * label and CKA_ID) by `object`, `id` or both.
 *
 * @returns undefined when the URI names another library, slot or token than this provider's.
 * @throws SignetError `INVALID_KEY_URI`
 */
export function keySelector(uri: string, identity: TokenIdentity): KeySelector | undefined {
  const parsed = parsePkcs11Uri(uri);
  if (parsed.type === 'secret-key' || parsed.type === 'data') {
    throw new SignetError('INVALID_KEY_URI', `"${uri}" names a ${parsed.type} object, not a signing key`, {
      details: { uri },
    });
  }
  if (parsed.object === undefined && parsed.id === undefined) {
    throw new SignetError('INVALID_KEY_URI', `"${uri}" names no key: give object= (its label), id= or both`, {
      details: { uri },
    });
  }
  if (!matchesToken(parsed, identity)) return undefined;
  return { label: parsed.object, id: parsed.id };
}

function matchesToken(uri: Pkcs11Uri, identity: TokenIdentity): boolean {
  for (const field of TOKEN_FIELDS) {
    if (uri[field] !== undefined && uri[field] !== identity[field]) return false;
  }
  const version = uri.libraryVersion;
  return (
    version === undefined ||
    (version.major === identity.libraryVersion.major && version.minor === identity.libraryVersion.minor)
  );
}

/**
 * The canonical URI of a key: the token's label, then the key's label when no other private key on
 * the token has it, else its label and id, or its id alone when it has no label. Undefined for a
 * key that has neither (no URI can name it).
 */
export function keyUriOf(identity: TokenIdentity, key: TokenKey, labelIsUnique: boolean): string | undefined {
  const uri: Pkcs11Uri = { token: identity.token };
  if (key.label !== undefined) uri.object = key.label;
  if (key.label === undefined || !labelIsUnique) {
    if (key.id.length === 0) return undefined;
    uri.id = key.id;
  }
  return formatPkcs11Uri(uri);
}
