import * as asn1js from 'asn1js';

/**
 * The dotted form of a parsed OBJECT IDENTIFIER, with arcs of any size. asn1js prints an arc past
 * 2^53 as `{hex}`, and private policy OIDs under 2.25 (X.667, from a UUID) have 128-bit arcs.
 *
 * @returns undefined when `element` is not a well-formed OBJECT IDENTIFIER.
 */
export function oidString(element: unknown): string | undefined {
  if (!(element instanceof asn1js.ObjectIdentifier)) return undefined;
  const der = new Uint8Array(element.toBER(false));
  // Tag 06, then a short or long form length.
  let at = 2;
  if (der[1]! & 0x80) at += der[1]! & 0x7f;
  const arcs: bigint[] = [];
  let value = 0n;
  for (let i = at; i < der.length; i++) {
    const byte = der[i]!;
    if (value === 0n && byte === 0x80) return undefined; // not minimal
    value = (value << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0n;
    } else if (i === der.length - 1) return undefined; // truncated arc
  }
  if (arcs.length === 0) return undefined;
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}
