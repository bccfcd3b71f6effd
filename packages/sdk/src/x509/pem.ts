import { SignetError } from '../errors/errors.js';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Encodes DER bytes as one PEM block with 64-column lines. */
export function toPem(label: string, der: Uint8Array): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/**
 * Decodes every PEM block with `label` in `text`, in order.
 *
 * @throws SignetError `INVALID_FORMAT` when there is none.
 */
export function fromPem(text: string, label: string): Uint8Array[] {
  const blocks = [...text.matchAll(BLOCK)].filter((m) => m[1] === label);
  if (blocks.length === 0) throw new SignetError('INVALID_FORMAT', `No "${label}" PEM block found`);
  return blocks.map((m) => new Uint8Array(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64')));
}

/** Accepts certificates as PEM text (one or many blocks) or as DER bytes of one certificate. */
export function certificatesFrom(input: string | Uint8Array): Uint8Array[] {
  if (typeof input !== 'string') {
    const text = Buffer.from(input).toString('latin1');
    return text.includes('-----BEGIN CERTIFICATE-----') ? fromPem(text, 'CERTIFICATE') : [new Uint8Array(input)];
  }
  return fromPem(input, 'CERTIFICATE');
}
