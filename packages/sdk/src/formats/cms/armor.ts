import { SignetError } from '../../errors/errors.js';
import { toPem } from '../../x509/pem.js';

/*
 * PEM label: `PKCS7`. OpenSSL's `cms -inform PEM` reads both `PKCS7` and `CMS` blocks, while
 * `openssl pkcs7` and `openssl smime` read only `PKCS7`, so that label works everywhere.
 */
const LABEL = 'PKCS7';
const BLOCK = /-----BEGIN (PKCS7|CMS)-----([\s\S]*?)-----END \1-----/;
const PEM_START = Buffer.from('-----BEGIN ');

/**
 * PEM-armors a DER CMS signature as a `-----BEGIN PKCS7-----` block, which
 * `openssl cms -verify -inform PEM` reads.
 *
 * @example await writeFile('app.p7s.pem', cmsToPem(signature));
 */
export function cmsToPem(der: Uint8Array): string {
  return toPem(LABEL, der);
}

/**
 * Takes a CMS signature as DER bytes, or PEM (a `PKCS7` or `CMS` block) as text or bytes, and
 * returns the DER. Bytes that do not start as PEM are returned unchanged for the parser to judge.
 *
 * @throws SignetError `INVALID_FORMAT` for PEM without a `PKCS7` or `CMS` block.
 * @example const der = decodeCms(await readFile('app.p7s'));
 */
export function decodeCms(input: Uint8Array | string): Uint8Array {
  if (typeof input !== 'string' && !Buffer.from(input.subarray(0, PEM_START.length)).equals(PEM_START)) return input;
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  const match = BLOCK.exec(text);
  if (!match) throw new SignetError('INVALID_FORMAT', 'No PKCS7 or CMS PEM block found');
  return new Uint8Array(Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64'));
}
