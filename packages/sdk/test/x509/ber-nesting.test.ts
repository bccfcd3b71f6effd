import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { isWellNested } from '../../src/x509/ber-nesting.js';

const parse = (hex: string) => asn1js.fromBER(Buffer.from(hex, 'hex')).result;

describe('nesting of parsed ASN.1', () => {
  it('accepts DER and indefinite-length BER', () => {
    expect(isWellNested(parse('3006020101020102'))).toBe(true);
    expect(isWellNested(parse('3080020101020102' + '0000'))).toBe(true);
  });

  it('refuses an element that runs past the end of its parent, which asn1js parses anyway', () => {
    // SEQUENCE { SEQUENCE (length 2) { INTEGER 1, INTEGER 2 } }: the inner length is one element short.
    const result = asn1js.fromBER(Buffer.from('300830020201010201 02'.replace(/ /g, ''), 'hex'));
    expect(result.offset).not.toBe(-1);
    expect(isWellNested(result.result)).toBe(false);
  });

  it('does not look inside a primitive BIT STRING, whose content asn1js may misread as DER', () => {
    // BIT STRING, no unused bits, content 00 01: asn1js parses "00 01" as an end-of-contents of length 1.
    expect(isWellNested(parse('3005' + '0303000001'))).toBe(true);
  });
});
