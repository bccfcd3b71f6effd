import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignetError } from '../../errors/errors.js';
import { subjectKeyIdentifierOf } from '../../x509/extensions.js';

/**
 * The embedded certificate a SignerInfo names: by issuerAndSerialNumber (what Signet writes) or by
 * subjectKeyIdentifier (`[0]`, what `openssl cms -keyid` writes).
 *
 * @throws SignetError `VERIFICATION_FAILED` when the signature does not carry that certificate.
 */
export function findSignerCertificate(
  signerInfo: pkijs.SignerInfo,
  certificates: readonly pkijs.Certificate[],
): pkijs.Certificate {
  const sid: unknown = signerInfo.sid;
  let found: pkijs.Certificate | undefined;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const issuer = der(sid.issuer);
    const serial = Buffer.from(sid.serialNumber.valueBlock.valueHexView);
    found = certificates.find(
      (c) => der(c.issuer).equals(issuer) && serial.equals(c.serialNumber.valueBlock.valueHexView),
    );
  } else if (sid instanceof asn1js.Primitive && sid.idBlock.tagClass === 3 && sid.idBlock.tagNumber === 0) {
    const keyId = Buffer.from(sid.valueBlock.valueHexView);
    found = certificates.find((c) => keyId.equals(subjectKeyIdentifierOf(c)));
  }
  if (!found) throw new SignetError('VERIFICATION_FAILED', "The signer's certificate is not in the signature");
  return found;
}

function der(name: pkijs.RelativeDistinguishedNames): Buffer {
  return Buffer.from(name.toSchema().toBER(false));
}
