import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { digestBytes } from '../../digest/file-digest.js';
import { SignetError, throwIfAborted } from '../../errors/errors.js';
import type { Signer } from '../../provider/signer.js';
import { signatureAlgorithmIdentifier } from '../../x509/algorithm-identifier.js';
import { assertCertificateHoldsKey, parseCertificate } from '../../x509/certificate.js';
import { digestAlgorithmIdentifier } from '../../x509/digest-identifier.js';
import { encodeAttributeSet, OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNED_DATA } from '../cms/attributes.js';
import { timestampAttribute, type CmsTimestamper } from '../cms/timestamp-attribute.js';
import {
  authenticodeAttributes,
  OID_SPC_INDIRECT_DATA,
  OID_SPC_RFC3161_TIMESTAMP,
  spcContentBytes,
  spcIndirectDataContent,
  type OpusInfo,
} from './spc.js';

export interface AuthenticodeSignedDataOptions extends OpusInfo {
  timestamp?: CmsTimestamper;
  signal?: AbortSignal;
}

/**
 * The Authenticode PKCS#7 SignedData (DER ContentInfo) over a PE digest: SpcIndirectDataContent
 * encapsulated, the signer's full certificate chain, one SignerInfo whose signed attributes are
 * contentType, messageDigest (over the SpcIndirectDataContent's value), SpcStatementType and
 * SpcSpOpusInfo. Only the digest of the signed attributes goes to `signer.sign`. A timestamp is
 * the RFC 3161 token over the signature value, as Microsoft's unsigned attribute.
 */
export async function authenticodeSignedData(
  signer: Signer,
  peDigest: Uint8Array,
  options: AuthenticodeSignedDataOptions = {},
): Promise<Uint8Array> {
  const { algorithm, key } = signer;
  throwIfAborted(options.signal);
  if (algorithm.scheme === 'pss')
    throw new SignetError('UNSUPPORTED_ALGORITHM', 'Authenticode verifiers do not accept RSASSA-PSS; use PKCS#1 v1.5', {
      details: { algorithm: algorithm.id },
    });
  if (key.certificates.length === 0)
    throw new SignetError(
      'INVALID_CERTIFICATE',
      `The key ${key.uri} has no certificate; Authenticode names the signer by its certificate`,
      {
        details: { key: key.uri },
      },
    );
  assertCertificateHoldsKey(key.certificates, key.publicKey);
  const chain = key.certificates.map((der) => parseCertificate(der));
  const leaf = chain[0]!;
  const spc = spcIndirectDataContent(algorithm.hash, peDigest);
  const spcDer = new Uint8Array(spc.toBER(false));
  const signed = encodeAttributeSet([
    new pkijs.Attribute({
      type: OID_CONTENT_TYPE,
      values: [new asn1js.ObjectIdentifier({ value: OID_SPC_INDIRECT_DATA })],
    }),
    new pkijs.Attribute({
      type: OID_MESSAGE_DIGEST,
      values: [new asn1js.OctetString({ valueHex: digestBytes(algorithm.hash, spcContentBytes(spcDer)) })],
    }),
    ...authenticodeAttributes(options),
  ]);
  const signature = await signer.sign(digestBytes(algorithm.hash, signed.der), { signal: options.signal });
  const unsigned = options.timestamp
    ? await timestampAttribute(options.timestamp, signature, algorithm.hash, options.signal)
    : undefined;
  if (unsigned) unsigned.type = OID_SPC_RFC3161_TIMESTAMP;
  const digestAlgorithm = digestAlgorithmIdentifier(algorithm.hash, { nullParameters: true });
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
    digestAlgorithm,
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signed.attributes }),
    signatureAlgorithm: signatureAlgorithmIdentifier(algorithm),
    signature: new asn1js.OctetString({ valueHex: signature }),
    ...(unsigned ? { unsignedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [unsigned] }) } : {}),
  });
  // Built by hand rather than with pkijs.SignedData: the content is encapsulated as the
  // SpcIndirectDataContent itself ([0] EXPLICIT SEQUENCE, PKCS#7 v1.5), not as an OCTET STRING.
  const signedData = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 1 }),
      new asn1js.Set({ value: [digestAlgorithm.toSchema()] }),
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: OID_SPC_INDIRECT_DATA }),
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [spc] }),
        ],
      }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: key.certificates.map((der) => asn1js.fromBER(der).result),
      }),
      new asn1js.Set({ value: [signerInfo.toSchema()] }),
    ],
  });
  const contentInfo = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID_SIGNED_DATA }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [signedData] }),
    ],
  });
  return new Uint8Array(contentInfo.toBER(false));
}
