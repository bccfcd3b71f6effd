import { SignetError } from '@signet/sdk';
import {
  algorithmFromIdentifiers,
  fromPem,
  OID_EC_PUBLIC_KEY,
  OID_RSA_ENCRYPTION,
  verifySignedBytes,
} from '@signet/sdk/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** TLS client authentication (RFC 5280 id-kp-clientAuth). */
export const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

type Signed = { tbsView: Uint8Array; signatureAlgorithm: pkijs.AlgorithmIdentifier; signatureValue: asn1js.BitString };

/**
 * Whether `signed` (a certificate or a CSR) carries a valid signature by `publicKey`. Verified with
 * node:crypto through the SDK, so no WebCrypto engine is involved; an algorithm Signet does not
 * know never verifies.
 */
export function signatureVerifies(signed: Signed, publicKey: pkijs.PublicKeyInfo): boolean {
  try {
    const algorithm = algorithmFromIdentifiers({ signature: signed.signatureAlgorithm, publicKey });
    return verifySignedBytes({
      algorithm,
      data: signed.tbsView,
      signature: signed.signatureValue.valueBlock.valueHexView,
      publicKey: new Uint8Array(publicKey.toSchema().toBER(false)),
    });
  } catch {
    return false;
  }
}

/**
 * Reads a PEM PKCS#10 request and checks its self-signature (proof the requester holds the key).
 * Only RSA and EC keys are accepted: the agent's key must be usable for TLS by every client.
 *
 * @returns the DER SubjectPublicKeyInfo it asks a certificate for.
 * @throws SignetError `INVALID_ARGUMENT` with `details.reason` `csr-malformed`, `csr-key-type` or `csr-signature`.
 */
export function publicKeyOfCsr(csrPem: string): Uint8Array {
  let csr: pkijs.CertificationRequest;
  try {
    const der = fromPem(csrPem, 'CERTIFICATE REQUEST')[0]!;
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) throw new Error(asn1.result.error || 'trailing bytes');
    csr = new pkijs.CertificationRequest({ schema: asn1.result });
  } catch (cause) {
    throw badCsr('csr-malformed', 'Not a PEM PKCS#10 certificate request', cause);
  }
  const keyType = csr.subjectPublicKeyInfo.algorithm.algorithmId;
  if (keyType !== OID_RSA_ENCRYPTION && keyType !== OID_EC_PUBLIC_KEY)
    throw badCsr('csr-key-type', 'The request must be for an RSA or EC key');
  if (!signatureVerifies(csr, csr.subjectPublicKeyInfo))
    throw badCsr('csr-signature', 'The request is not signed by the key it names');
  return new Uint8Array(csr.subjectPublicKeyInfo.toSchema().toBER(false));
}

function badCsr(reason: string, message: string, cause?: unknown): SignetError {
  return new SignetError('INVALID_ARGUMENT', message, { details: { reason }, ...(cause ? { cause } : {}) });
}
