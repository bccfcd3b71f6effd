import * as asn1js from 'asn1js';

interface ParsedElement {
  readonly idBlock: { readonly isConstructed: boolean };
  readonly lenBlock: { readonly isIndefiniteForm: boolean; readonly length: number };
  readonly valueBlock: { readonly blockLength: number; readonly value?: unknown };
}

/**
 * Whether every definite-length element of a parsed ASN.1 tree holds exactly the bytes its length
 * says. asn1js lets an element run past the end of its parent and carries on, so without this
 * check the unsigned parts of a signature (a SignerInfo's algorithm identifiers, say) could be
 * re-encoded by anyone and still verify. Indefinite lengths (BER) stay allowed.
 *
 * @example isWellNested(asn1js.fromBER(der).result)
 */
export function isWellNested(root: asn1js.BaseBlock): boolean {
  const pending: ParsedElement[] = [root as unknown as ParsedElement];
  while (pending.length > 0) {
    const element = pending.pop()!;
    const { lenBlock, valueBlock } = element;
    if (!lenBlock.isIndefiniteForm && valueBlock.blockLength !== lenBlock.length) return false;
    // A primitive BIT or OCTET STRING's children are asn1js's guess at embedded DER, not structure:
    // its content is opaque (a failInfo BIT STRING `00 01` reads as a broken end-of-contents).
    if (element.idBlock.isConstructed && Array.isArray(valueBlock.value)) {
      for (const child of valueBlock.value)
        if (child instanceof asn1js.BaseBlock) pending.push(child as unknown as ParsedElement);
    }
  }
  return true;
}
