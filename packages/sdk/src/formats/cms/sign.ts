import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { assertDigestLength } from '../../algorithms/algorithms.js';
import { digestBytes } from '../../digest/file-digest.js';
import { SignetError, throwIfAborted } from '../../errors/errors.js';
import type { Signer } from '../../provider/signer.js';
import { signatureAlgorithmIdentifier } from '../../x509/algorithm-identifier.js';
import { assertCertificateHoldsKey, parseCertificate } from '../../x509/certificate.js';
import { digestAlgorithmIdentifier } from '../../x509/digest-identifier.js';
import { encodeSignedAttributes, OID_DATA, OID_SIGNED_DATA } from './attributes.js';
import { timestampAttribute, type CmsTimestamper } from './timestamp-attribute.js';

/** What a CMS signature is made over: the artifact's digest, computed by the caller. */
export interface CmsSignInput {
  /** The artifact's digest with the signer's hash (`signer.algorithm.hash`). */
  digest: Uint8Array;
}

export interface CmsSignOptions {
  /** The signing-time attribute. Default: now (whole seconds, UTC). */
  signingTime?: Date;
  /**
   * Timestamp the signature (RFC 3161 Appendix A): a token over the SignerInfo's signature value
   * is added as the unsigned attribute id-aa-timeStampToken. `{ client }` asks a
   * `TimestampClient` (imprint hash: `hash`, default the signer's); a function returns the
   * DER token for the signature value, which is checked before it is added. Default: none.
   */
  timestamp?: CmsTimestamper;
  signal?: AbortSignal;
}

/**
 * Builds a detached CMS SignedData (RFC 5652) around an artifact's digest: version 1, id-data
 * without content, the signer's certificate chain, and one SignerInfo (issuerAndSerialNumber)
 * whose signed attributes are contentType, messageDigest and signingTime. Only the digest of the
 * DER signed attributes goes to `signer.sign`.
 *
 * @returns the DER ContentInfo (a `.p7s`), which `openssl cms -verify -binary -inform DER -content FILE` checks.
 * @throws SignetError `DIGEST_LENGTH_MISMATCH` before anything is signed, `INVALID_CERTIFICATE`
 * when the key has no certificate, `CERTIFICATE_KEY_MISMATCH`, any error of the signer, and with
 * `timestamp`, any error of the timestamp client (or `VERIFICATION_FAILED` for a token that is not
 * over the signature).
 * @example
 * ```ts
 * const { digests } = await digestFile('app.tgz', { hashes: [signer.algorithm.hash] });
 * const p7s = await signCms(signer, { digest: digests[signer.algorithm.hash]! });
 * await writeFile('app.tgz.p7s', p7s);
 * ```
 */
export async function signCms(signer: Signer, input: CmsSignInput, options: CmsSignOptions = {}): Promise<Uint8Array> {
  const { algorithm, key } = signer;
  assertDigestLength(algorithm, input.digest);
  throwIfAborted(options.signal);
  if (key.certificates.length === 0) {
    throw new SignetError(
      'INVALID_CERTIFICATE',
      `The key ${key.uri} has no certificate; CMS names the signer by its certificate`,
      {
        details: { key: key.uri },
      },
    );
  }
  assertCertificateHoldsKey(key.certificates, key.publicKey);
  const chain = key.certificates.map((der) => parseCertificate(der));
  const leaf = chain[0]!;
  const signed = encodeSignedAttributes({
    contentType: OID_DATA,
    messageDigest: input.digest,
    signingTime: options.signingTime ?? new Date(),
  });
  const signature = await signer.sign(digestBytes(algorithm.hash, signed.der), { signal: options.signal });
  const unsigned = options.timestamp
    ? await timestampAttribute(options.timestamp, signature, algorithm.hash, options.signal)
    : undefined;
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
    digestAlgorithm: digestAlgorithmIdentifier(algorithm.hash),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signed.attributes }),
    signatureAlgorithm: signatureAlgorithmIdentifier(algorithm),
    signature: new asn1js.OctetString({ valueHex: signature }),
    ...(unsigned ? { unsignedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [unsigned] }) } : {}),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [digestAlgorithmIdentifier(algorithm.hash)],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID_DATA }),
    certificates: chain,
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}
