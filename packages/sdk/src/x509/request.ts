import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { digestBytes } from '../digest/file-digest.js';
import { throwIfAborted } from '../errors/errors.js';
import type { Signer } from '../provider/signer.js';
import { signatureAlgorithmIdentifier } from './algorithm-identifier.js';
import { certificateExtensions, keyIdentifier } from './extensions.js';
import { encodeName, type DistinguishedName } from './name.js';
import { parsePublicKeyInfo } from './public-key-algorithm.js';
import { OID_CODE_SIGNING } from './certificate.js';

const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';

export interface CertificateRequestOptions {
  /** The subject name the CA is asked to certify. */
  subject: DistinguishedName;
  /**
   * Extended key usages asked for, as an extension request. Default `[OID_CODE_SIGNING]`; an empty
   * list asks for none.
   */
  extendedKeyUsage?: readonly string[];
  signal?: AbortSignal;
}

/**
 * Builds a PKCS#10 certificate signing request for the signer's key, signed by that key: the proof
 * a CA needs that the requester holds it. The to-be-signed DER is built here; only its digest goes
 * to the signer, so it works for every provider (HSM, cloud KMS).
 *
 * @returns the DER request (`toPem('CERTIFICATE REQUEST', der)` for the PEM a CA takes).
 * @example
 * ```ts
 * const csr = await createCertificateRequest(signer, { subject: { commonName: 'Acme Release', organization: 'Acme' } });
 * ```
 */
export async function createCertificateRequest(
  signer: Signer,
  options: CertificateRequestOptions,
): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  const spki = parsePublicKeyInfo(signer.key.publicKey);
  const request = new pkijs.CertificationRequest({
    version: 0,
    subject: encodeName(options.subject),
    subjectPublicKeyInfo: spki,
    attributes: [
      new pkijs.Attribute({
        type: OID_EXTENSION_REQUEST,
        values: [new pkijs.Extensions({ extensions: requestedExtensions(spki, options) }).toSchema()],
      }),
    ],
    signatureAlgorithm: signatureAlgorithmIdentifier(signer.algorithm),
  });
  // pkijs signs through WebCrypto only; its TBS encoder is what we need, though typed protected.
  const encoder = request as unknown as { encodeTBS(): asn1js.Sequence };
  const tbs = new Uint8Array(encoder.encodeTBS().toBER(false));
  const signature = await signer.sign(digestBytes(signer.algorithm.hash, tbs), { signal: options.signal });
  request.tbsView = tbs;
  request.signatureValue = new asn1js.BitString({ valueHex: signature });
  return new Uint8Array(request.toSchema(false).toBER(false));
}

/** A code-signing leaf's extensions, as a certificate would carry them, less the issuer's key id. */
function requestedExtensions(spki: pkijs.PublicKeyInfo, options: CertificateRequestOptions): pkijs.Extension[] {
  const id = keyIdentifier(spki);
  return certificateExtensions({
    certificateAuthority: false,
    extendedKeyUsage: options.extendedKeyUsage ?? [OID_CODE_SIGNING],
    subjectKeyIdentifier: id,
    authorityKeyIdentifier: id,
  }).filter((e) => e.extnID !== OID_AUTHORITY_KEY_IDENTIFIER);
}
