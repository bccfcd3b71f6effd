import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignetError } from '../errors/errors.js';

/**
 * An X.500 name by its common attributes. Written most significant first (C, O, OU, CN), as
 * OpenSSL and browsers show it.
 */
export interface DistinguishedName {
  /** CN: who signs, e.g. `Acme Release Signing`. Required, not empty. */
  commonName: string;
  /** O: the organisation, e.g. `Acme Ltd`. Default: none. */
  organization?: string;
  /** OU: the unit inside it, e.g. `Build`. Default: none. */
  organizationalUnit?: string;
  /** C: two-letter ISO 3166 country code, e.g. `DE`. Default: none. */
  country?: string;
}

const ATTRIBUTES = [
  ['country', '2.5.4.6'],
  ['organization', '2.5.4.10'],
  ['organizationalUnit', '2.5.4.11'],
  ['commonName', '2.5.4.3'],
] as const;

/**
 * Encodes a {@link DistinguishedName}: country as PrintableString (RFC 5280 requires it), the rest as
 * UTF8String.
 *
 * @throws SignetError `INVALID_ARGUMENT` for an empty value or a country that is not two letters.
 */
export function encodeName(name: DistinguishedName): pkijs.RelativeDistinguishedNames {
  if (typeof name?.commonName !== 'string') throw invalid('The subject needs a commonName');
  if (name.country !== undefined && !/^[A-Z]{2}$/.test(name.country))
    throw invalid(`Country "${name.country}" is not a two-letter code`);
  const rdns: asn1js.Set[] = [];
  for (const [field, type] of ATTRIBUTES) {
    const value = name[field];
    if (value === undefined) continue;
    if (value.trim() === '') throw invalid(`The subject's ${field} is empty`);
    const encoded = field === 'country' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    rdns.push(new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value: encoded }).toSchema()] }));
  }
  // One attribute per RDN. pkijs would put them all in one multi-valued RDN, so the DER is built
  // here and parsed back: pkijs then re-emits these exact bytes.
  const der = new asn1js.Sequence({ value: rdns }).toBER(false);
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(der).result });
}

function invalid(message: string): SignetError {
  return new SignetError('INVALID_ARGUMENT', message);
}
