/** One DER element: its tag, where its content starts and where the element ends. */
interface Element {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/**
 * Reads the element at `offset`, or undefined when the bytes are not DER there. Only what this
 * package needs: single-byte tags, definite lengths up to 4 bytes.
 */
function readElement(der: Uint8Array, offset: number, limit = der.length): Element | undefined {
  const tag = der[offset];
  let lengthByte = der[offset + 1];
  if (tag === undefined || lengthByte === undefined || (tag & 0x1f) === 0x1f) return undefined;
  let contentStart = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = der[contentStart + i];
      if (lengthByte === undefined) return undefined;
      length = length * 256 + lengthByte;
    }
    contentStart += count;
  }
  const end = contentStart + length;
  return end <= limit ? { tag, start: offset, contentStart, end } : undefined;
}

function children(der: Uint8Array, parent: Element): Element[] {
  const out: Element[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readElement(der, offset, parent.end);
    if (!child) return [];
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** The parts of a certificate a token indexes it by, each as its whole DER element. */
export interface CertificateFields {
  /** CKA_SERIAL_NUMBER: the serial number INTEGER. */
  readonly serial: Buffer;
  /** CKA_ISSUER */
  readonly issuer: Buffer;
  /** CKA_SUBJECT */
  readonly subject: Buffer;
  /** The SubjectPublicKeyInfo. */
  readonly spki: Buffer;
}

/** Reads {@link CertificateFields} from a DER certificate; undefined when `der` is not one. */
export function certificateFields(der: Uint8Array): CertificateFields | undefined {
  const certificate = readElement(der, 0);
  if (!certificate || certificate.tag !== 0x30 || certificate.end !== der.length) return undefined;
  const tbs = children(der, certificate)[0];
  if (!tbs || tbs.tag !== 0x30) return undefined;
  const fields = children(der, tbs);
  const skip = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version, absent in v1 certificates
  const [serial, , issuer, , subject, spki] = fields.slice(skip);
  if (serial?.tag !== 0x02 || issuer?.tag !== 0x30 || subject?.tag !== 0x30 || spki?.tag !== 0x30) return undefined;
  const bytes = (e: Element) => Buffer.from(der.subarray(e.start, e.end));
  return { serial: bytes(serial), issuer: bytes(issuer), subject: bytes(subject), spki: bytes(spki) };
}

/**
 * CKA_EC_POINT holds the point as a DER OCTET STRING (PKCS#11 v2.20 onwards); some older tokens
 * return the bare uncompressed point. Returns the bare point either way.
 */
export function unwrapEcPoint(value: Uint8Array, coordinateSize: number): Uint8Array | undefined {
  const bare = 1 + 2 * coordinateSize;
  if (value.length === bare && value[0] === 0x04) return value;
  const element = readElement(value, 0);
  if (element?.tag !== 0x04 || element.end !== value.length) return undefined;
  const point = value.subarray(element.contentStart, element.end);
  return point.length === bare && point[0] === 0x04 ? point : undefined;
}
