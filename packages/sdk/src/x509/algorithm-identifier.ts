import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, SignatureAlgorithm } from '../algorithms/algorithms.js';
import {
  ECDSA_SIGNATURE_OIDS,
  hashWithOid,
  OID_EC_PUBLIC_KEY,
  OID_RSA_ENCRYPTION,
  OID_RSASSA_PSS,
  PKCS1_SIGNATURE_OIDS,
} from './algorithm-oids.js';
import { hashFromIdentifier, unsupportedAlgorithm } from './digest-identifier.js';
import { pssParameters, readPssHash } from './pss-params.js';
import { algorithmForPublicKey } from './public-key-algorithm.js';

/**
 * The AlgorithmIdentifier a certificate or a CMS SignerInfo carries for `algorithm`:
 * `shaNNNWithRSAEncryption` with NULL parameters, `RSASSA-PSS` with explicit RSASSA-PSS-params
 * (hash, MGF1 with the same hash, salt length = digest length; RFC 4055), or `ecdsa-with-SHANNN`
 * without parameters (RFC 5758).
 *
 * @example signatureAlgorithmIdentifier(getAlgorithm('ecdsa-p256-sha256')).algorithmId // '1.2.840.10045.4.3.2'
 */
export function signatureAlgorithmIdentifier(algorithm: SignatureAlgorithm): pkijs.AlgorithmIdentifier {
  const { hash } = algorithm;
  switch (algorithm.scheme) {
    case 'pkcs1':
      return new pkijs.AlgorithmIdentifier({
        algorithmId: PKCS1_SIGNATURE_OIDS[hash],
        algorithmParams: new asn1js.Null(),
      });
    case 'ecdsa':
      return new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_SIGNATURE_OIDS[hash] });
    case 'pss':
      return new pkijs.AlgorithmIdentifier({
        algorithmId: OID_RSASSA_PSS,
        algorithmParams: pssParameters(hash).toSchema(),
      });
  }
}

/** What a verifier knows about a signature: the identifiers it carries and the signer's key. */
export interface SignatureIdentifiers {
  /** The signature AlgorithmIdentifier (a certificate's or a SignerInfo's `signatureAlgorithm`). */
  signature: pkijs.AlgorithmIdentifier;
  /** A SignerInfo's `digestAlgorithm`; required when `signature` names only a key type (`rsaEncryption`). */
  digest?: pkijs.AlgorithmIdentifier;
  /** The signer's SubjectPublicKeyInfo (parsed, or DER): it fixes the curve and must fit the scheme. */
  publicKey: pkijs.PublicKeyInfo | Uint8Array;
}

/**
 * Decides which Signet algorithm made a signature. Also accepts what other tools write: OpenSSL puts
 * `rsaEncryption` (or `id-ecPublicKey`) in a SignerInfo and lets `digestAlgorithm` name the hash.
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM` (an unknown OID, SHA-1, PSS parameters outside
 * Signet's profile, a signature hash that differs from the digest algorithm),
 * `ALGORITHM_KEY_MISMATCH` (say, an ECDSA signature from an RSA key), `INVALID_ARGUMENT` (DER
 * `publicKey` that does not parse).
 * @example
 * ```ts
 * const algorithm = algorithmFromIdentifiers({
 *   signature: signerInfo.signatureAlgorithm,
 *   digest: signerInfo.digestAlgorithm,
 *   publicKey: certificate.subjectPublicKeyInfo,
 * }); // e.g. getAlgorithm('rsa-pss-sha384')
 * ```
 */
export function algorithmFromIdentifiers(ids: SignatureIdentifiers): SignatureAlgorithm {
  const oid = ids.signature.algorithmId;
  const digestHash = ids.digest ? hashFromIdentifier(ids.digest) : undefined;
  let scheme: SignatureAlgorithm['scheme'];
  let hash: HashAlgorithm | undefined;
  if (oid === OID_RSASSA_PSS) [scheme, hash] = ['pss', readPssHash(ids.signature.algorithmParams)];
  else if ((hash = hashWithOid(PKCS1_SIGNATURE_OIDS, oid))) scheme = 'pkcs1';
  else if ((hash = hashWithOid(ECDSA_SIGNATURE_OIDS, oid))) scheme = 'ecdsa';
  else if (oid === OID_RSA_ENCRYPTION) [scheme, hash] = ['pkcs1', digestHash];
  else if (oid === OID_EC_PUBLIC_KEY) [scheme, hash] = ['ecdsa', digestHash];
  else throw unsupportedAlgorithm(`the signature algorithm ${oid || '(none)'}`);
  if (!hash) throw unsupportedAlgorithm(`${oid} without a digest algorithm`);
  if (digestHash && digestHash !== hash) throw unsupportedAlgorithm(`a ${hash} signature over a ${digestHash} digest`);
  return algorithmForPublicKey(ids.publicKey, scheme, hash);
}
