import { createHash, timingSafeEqual } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignetError } from '../errors/errors.js';
import { hashFromIdentifier } from '../x509/digest-identifier.js';
import { OID_SIGNING_CERTIFICATE, OID_SIGNING_CERTIFICATE_V2 } from './oids.js';

/**
 * The signingCertificateV2 attribute (RFC 5035 §3, as RFC 5816 lets a timestamp token carry):
 * one ESSCertIDv2 with the SHA-256 hash of the TSA's certificate (the DEFAULT algorithm, so left
 * out) and its issuer and serial number. It binds the certificate to the signature, so nobody can
 * swap in another certificate for the same key.
 */
export function signingCertificateV2(certificate: pkijs.Certificate, certificateDer: Uint8Array): pkijs.Attribute {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new pkijs.GeneralName({ type: 4, value: certificate.issuer }).toSchema()] }),
      certificate.serialNumber,
    ],
  });
  const certId = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: createHash('sha256').update(certificateDer).digest() }), issuerSerial],
  });
  const value = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [certId] })] });
  return new pkijs.Attribute({ type: OID_SIGNING_CERTIFICATE_V2, values: [value] });
}

/**
 * Checks that a token's signed attributes name its signer's certificate: the first ESSCertIDv2
 * (or ESSCertID, SHA-1) hashes to it, and its issuerSerial, when present, names its serial number.
 *
 * @throws SignetError `VERIFICATION_FAILED`
 */
export function checkSigningCertificate(
  signerInfo: pkijs.SignerInfo,
  certificate: pkijs.Certificate,
  certificateDer: Uint8Array,
): void {
  const attributes = signerInfo.signedAttrs?.attributes ?? [];
  const v2 = attributes.filter((a) => a.type === OID_SIGNING_CERTIFICATE_V2);
  const v1 = attributes.filter((a) => a.type === OID_SIGNING_CERTIFICATE);
  const attribute = v2[0] ?? v1[0];
  if (!attribute || v2.length + v1.length > 1 || attribute.values.length !== 1)
    throw failed('The token must carry exactly one signingCertificate(V2) attribute naming its certificate');
  const first = sequence(sequence(sequence(attribute.values[0])[0])[0]);
  let index = 0;
  let hash = v2[0] ? 'sha256' : 'sha1';
  if (v2[0] && first[0] instanceof asn1js.Sequence) {
    hash = hashFromIdentifier(new pkijs.AlgorithmIdentifier({ schema: first[0] }));
    index = 1;
  }
  const certHash = first[index];
  if (!(certHash instanceof asn1js.OctetString))
    throw failed('The signingCertificate attribute has no certificate hash');
  const expected = createHash(hash).update(certificateDer).digest();
  const actual = Buffer.from(certHash.valueBlock.valueHexView);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw failed("The signingCertificate attribute names another certificate than the token's signer");
  const issuerSerial = first[index + 1];
  if (issuerSerial !== undefined) {
    const [names, serial] = sequence(issuerSerial);
    const issuer = Buffer.from(certificate.issuer.toSchema().toBER(false));
    const named = sequence(names).some(
      (n) =>
        n instanceof asn1js.Constructed && n.idBlock.tagNumber === 4 && issuer.equals(derOf(n.valueBlock.value[0])),
    );
    if (!named || !(serial instanceof asn1js.Integer) || !serial.isEqual(certificate.serialNumber))
      throw failed("The signingCertificate attribute names another issuer or serial number than the token's signer");
  }
}

function derOf(element: unknown): Buffer {
  return element instanceof asn1js.BaseBlock ? Buffer.from(element.valueBeforeDecodeView) : Buffer.alloc(0);
}

function sequence(element: unknown): unknown[] {
  if (!(element instanceof asn1js.Sequence)) throw failed('The signingCertificate attribute is malformed');
  return element.valueBlock.value;
}

function failed(message: string): SignetError {
  return new SignetError('VERIFICATION_FAILED', message);
}
