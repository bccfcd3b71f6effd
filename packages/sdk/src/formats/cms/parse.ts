import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignetError } from '../../errors/errors.js';
import { isWellNested } from '../../x509/ber-nesting.js';
import { OID_SIGNED_DATA } from './attributes.js';

/** A CMS SignedData with the one SignerInfo Signet verifies. */
export interface ParsedCms {
  readonly signedData: pkijs.SignedData;
  readonly signerInfo: pkijs.SignerInfo;
  /** The X.509 certificates it embeds (other certificate formats are skipped). */
  readonly certificates: readonly pkijs.Certificate[];
}

/**
 * Parses DER (or BER) ContentInfo bytes holding a SignedData with exactly one signer. Elements
 * must nest exactly (see {@link isWellNested}).
 *
 * @throws SignetError `INVALID_FORMAT` for anything else, including trailing bytes.
 */
export function parseCms(der: Uint8Array): ParsedCms {
  let signedData: pkijs.SignedData;
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) throw new Error(asn1.result.error || 'trailing bytes');
    if (!isWellNested(asn1.result)) throw new Error('an element runs past the end of the element that holds it');
    const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== OID_SIGNED_DATA) {
      throw new SignetError('INVALID_FORMAT', `Not a CMS SignedData (content type ${contentInfo.contentType})`);
    }
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch (cause) {
    if (cause instanceof SignetError) throw cause;
    throw new SignetError('INVALID_FORMAT', 'Not a DER CMS/PKCS#7 signature', { cause });
  }
  const [signerInfo, ...others] = signedData.signerInfos;
  if (!signerInfo || others.length > 0) {
    throw new SignetError(
      'INVALID_FORMAT',
      `Signet verifies CMS signatures with one signer; this one has ${signedData.signerInfos.length}`,
    );
  }
  const certificates = (signedData.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  return { signedData, signerInfo, certificates };
}
