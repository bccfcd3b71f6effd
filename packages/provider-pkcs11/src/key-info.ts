import { createPublicKey } from 'node:crypto';
import { algorithmsForKeySpec, SignetError, type KeyInfo } from '@signet/sdk';
import type { Session } from 'graphene-pk11';
import { readCertificateChain } from './certificates.js';
import { certificateFields } from './der.js';
import { keySelector, keyUriOf } from './key-uri.js';
import type { TokenIdentity } from './token-identity.js';
import { CKO_CERTIFICATE, CKO_PRIVATE_KEY, findPrivateKeys, publicKeyOf, type TokenKey } from './keys.js';

/** A key this provider can sign with: a supported spec is known. */
export type UsableKey = TokenKey & { readonly spec: NonNullable<TokenKey['spec']> };

function notFound(uri: string, message: string): SignetError {
  return new SignetError('KEY_NOT_FOUND', message, { details: { key: uri } });
}

/**
 * Finds the one private key a URI names on this token.
 *
 * @throws SignetError `KEY_NOT_FOUND` (also for a URI of another token), `INVALID_KEY_URI` (malformed,
 * or naming several keys), `UNSUPPORTED_ALGORITHM` (a key type or size Signet does not sign with).
 */
export function lookupKey(session: Session, identity: TokenIdentity, uri: string): UsableKey {
  const selector = keySelector(uri, identity);
  if (!selector) throw notFound(uri, `${uri} names another token than "${identity.token}", which this provider serves`);
  const keys = findPrivateKeys(session, selector);
  if (keys.length === 0) throw notFound(uri, `No private key ${uri} on the token "${identity.token}"`);
  if (keys.length > 1) {
    throw new SignetError('INVALID_KEY_URI', `${uri} names ${keys.length} private keys: add id= to pick one`, {
      details: { key: uri, matches: keys.length },
    });
  }
  return usable(keys[0]!, uri);
}

/** @throws SignetError `UNSUPPORTED_ALGORITHM` */
export function usable(key: TokenKey, uri: string): UsableKey {
  if (key.spec === undefined) {
    throw new SignetError('UNSUPPORTED_ALGORITHM', `${uri} is a key of a type or size Signet does not sign with`, {
      details: { key: uri, supported: 'RSA 2048/3072/4096, EC P-256/P-384/P-521' },
    });
  }
  return key as UsableKey;
}

/** Private keys on the token with this label. */
export function countLabel(session: Session, label: string): number {
  return session.find({ class: CKO_PRIVATE_KEY, label }).length;
}

/**
 * Describes a key: its canonical URI, public key and certificate chain.
 *
 * @returns undefined when the key cannot be described: no URI names it (no label, no id) or the
 * token holds no public half of it (no public key object, no certificate).
 */
export function describeKey(
  session: Session,
  identity: TokenIdentity,
  key: UsableKey,
  labelIsUnique: boolean,
): KeyInfo | undefined {
  const uri = keyUriOf(identity, key, labelIsUnique);
  const publicKey = publicKeyOf(session, key) ?? certificateKey(session, key);
  if (!uri || !publicKey) return undefined;
  return {
    uri,
    name: key.label ?? key.id.toString('hex'),
    spec: key.spec,
    algorithms: algorithmsForKeySpec(key.spec).map((a) => a.id),
    publicKey,
    certificates: readCertificateChain(session, key.id, publicKey),
  };
}

function fitsSpec(spki: Buffer, spec: UsableKey['spec']): boolean {
  try {
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const details = key.asymmetricKeyDetails ?? {};
    return key.asymmetricKeyType === 'rsa'
      ? spec === `rsa-${details.modulusLength}`
      : key.asymmetricKeyType === 'ec' && spec === SPEC_OF_CURVE[details.namedCurve ?? ''];
  } catch {
    return false;
  }
}

const SPEC_OF_CURVE: Readonly<Record<string, string>> = {
  prime256v1: 'ec-p256',
  secp384r1: 'ec-p384',
  secp521r1: 'ec-p521',
};

/** For a private key without a public key object: the public key of its certificate (same CKA_ID). */
function certificateKey(session: Session, key: UsableKey): Uint8Array | undefined {
  if (key.id.length === 0) return undefined;
  const found = session.find({ class: CKO_CERTIFICATE, id: key.id });
  for (let i = 0; i < found.length; i++) {
    const spki = certificateFields(found.items(i).getAttribute({ value: null }).value as Buffer)?.spki;
    if (spki && fitsSpec(spki, key.spec)) return new Uint8Array(spki);
  }
  return undefined;
}
