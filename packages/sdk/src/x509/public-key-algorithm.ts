import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  CURVES,
  listAlgorithms,
  type HashAlgorithm,
  type NamedCurve,
  type SignatureAlgorithm,
} from '../algorithms/algorithms.js';
import { SignetError } from '../errors/errors.js';
import { OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION, OID_RSASSA_PSS } from './algorithm-oids.js';
import { unsupportedAlgorithm } from './digest-identifier.js';

/**
 * Completes a scheme and a hash into a Signet algorithm with the signer's public key, which fixes
 * the curve (ECDSA identifiers do not name it) and must be of the scheme's key type.
 *
 * @throws SignetError `ALGORITHM_KEY_MISMATCH`, `UNSUPPORTED_ALGORITHM` (a curve or curve/hash pair
 * Signet does not sign with), `INVALID_ARGUMENT` (DER that is not a SubjectPublicKeyInfo).
 */
export function algorithmForPublicKey(
  publicKey: pkijs.PublicKeyInfo | Uint8Array,
  scheme: SignatureAlgorithm['scheme'],
  hash: HashAlgorithm,
): SignatureAlgorithm {
  const spki = publicKey instanceof Uint8Array ? parsePublicKeyInfo(publicKey) : publicKey;
  const keyOid = spki.algorithm.algorithmId;
  if (scheme === 'ecdsa') {
    if (keyOid !== OID_EC_PUBLIC_KEY) throw mismatch(scheme, keyOid);
    const curve = curveOf(spki);
    const found = listAlgorithms().find((a) => a.scheme === 'ecdsa' && a.curve === curve && a.hash === hash);
    if (!found) throw unsupportedAlgorithm(`ECDSA ${curve} with ${hash}`);
    return found;
  }
  // An id-RSASSA-PSS key is restricted to PSS (RFC 4055 §1.2); an rsaEncryption key may do both.
  if (keyOid !== OID_RSA_ENCRYPTION && !(keyOid === OID_RSASSA_PSS && scheme === 'pss')) throw mismatch(scheme, keyOid);
  return listAlgorithms().find((a) => a.scheme === scheme && a.hash === hash)!;
}

function curveOf(spki: pkijs.PublicKeyInfo): NamedCurve {
  const params: unknown = spki.algorithm.algorithmParams;
  const oid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : 'explicit parameters';
  const curve = (Object.keys(CURVES) as NamedCurve[]).find((c) => CURVES[c].oid === oid);
  if (!curve) throw unsupportedAlgorithm(`the elliptic curve ${oid}`);
  return curve;
}

/** Parses a DER SubjectPublicKeyInfo. @throws SignetError `INVALID_ARGUMENT` */
export function parsePublicKeyInfo(der: Uint8Array): pkijs.PublicKeyInfo {
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset !== der.byteLength) throw new Error(asn1.result.error || 'trailing bytes');
    return new pkijs.PublicKeyInfo({ schema: asn1.result });
  } catch (cause) {
    throw new SignetError('INVALID_ARGUMENT', 'The public key is not a DER SubjectPublicKeyInfo', { cause });
  }
}

function mismatch(scheme: string, keyOid: string): SignetError {
  return new SignetError('ALGORITHM_KEY_MISMATCH', `A ${scheme} signature cannot come from a key of type ${keyOid}`, {
    details: { scheme, keyAlgorithm: keyOid },
  });
}
