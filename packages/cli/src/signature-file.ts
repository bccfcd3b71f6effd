import { SignetError, type HashAlgorithm } from '@signet/sdk';

export type SignatureFormat = 'raw' | 'cms';

/** The signedData content type, 1.2.840.113549.1.7.2, as DER: tag, length, value. */
const SIGNED_DATA_OID = Buffer.from('06092a864886f70d010702', 'hex');

/**
 * Signature file bytes as the signature itself: PEM (`PKCS7`, `CMS`) and base64 text are
 * decoded, anything else is taken as binary.
 */
export function decodeSignatureFile(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1').trim();
  const pem = /^-----BEGIN (PKCS7|CMS|SIGNATURE)-----([\s\S]*?)-----END \1-----$/.exec(text);
  const body = pem ? pem[2]!.replace(/\s+/g, '') : text.replace(/\s+/g, '');
  if (body.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(body) && body.length % 4 === 0) {
    return new Uint8Array(Buffer.from(body, 'base64'));
  }
  if (pem) throw new SignetError('INVALID_SIGNATURE_ENCODING', 'The PEM signature does not hold base64');
  return new Uint8Array(bytes);
}

/** `cms` when the bytes are a DER ContentInfo of type signedData, `raw` otherwise. */
export function detectFormat(signature: Uint8Array): SignatureFormat {
  if (signature[0] !== 0x30 || signature.length < 2) return 'raw';
  // Skip the outer SEQUENCE header (short or long length form); the content type comes first.
  const lengthBytes = signature[1]! & 0x80 ? signature[1]! & 0x7f : 0;
  const start = 2 + lengthBytes;
  return Buffer.from(signature.subarray(start, start + SIGNED_DATA_OID.length)).equals(SIGNED_DATA_OID) ? 'cms' : 'raw';
}

const HASH_OIDS: Readonly<Record<string, HashAlgorithm>> = {
  '608648016503040201': 'sha256',
  '608648016503040202': 'sha384',
  '608648016503040203': 'sha512',
};

/**
 * The one digest algorithm a CMS SignedData declares (its `digestAlgorithms` set), so the file
 * can be hashed here with a progress bar. Undefined when there are several or it is unknown;
 * the verifier checks the digest against the signer info either way.
 */
export function cmsDigestAlgorithm(der: Uint8Array): HashAlgorithm | undefined {
  try {
    const contentInfo = children(der, 0)[0];
    const [, explicit] = children(der, contentInfo!.content);
    const signedData = children(der, explicit!.content)[0]!;
    const [version, digestAlgorithms] = children(der, signedData.content);
    if (version?.tag !== 0x02 || digestAlgorithms?.tag !== 0x31) return undefined;
    const algorithms = children(der, digestAlgorithms.content);
    if (algorithms.length !== 1) return undefined;
    const oid = children(der, algorithms[0]!.content)[0]!;
    if (oid.tag !== 0x06) return undefined;
    return HASH_OIDS[Buffer.from(der.subarray(oid.content.start, oid.content.end)).toString('hex')];
  } catch {
    return undefined;
  }
}

interface Tlv {
  readonly tag: number;
  readonly content: { readonly start: number; readonly end: number };
}

/** The DER elements directly inside `range` (the whole buffer for offset 0). */
function children(der: Uint8Array, range: { start: number; end: number } | number): Tlv[] {
  const { start, end } = typeof range === 'number' ? { start: range, end: der.length } : range;
  const out: Tlv[] = [];
  for (let at = start; at < end;) {
    if (at + 2 > end) throw new Error('truncated');
    const tag = der[at]!;
    let length = der[at + 1]!;
    let header = 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4) throw new Error('unsupported length');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + der[at + 2 + i]!;
      header += count;
    }
    const content = { start: at + header, end: at + header + length };
    if (content.end > end) throw new Error('truncated');
    out.push({ tag, content });
    at = content.end;
    if (typeof range === 'number') break; // top level: the first element only
  }
  return out;
}
