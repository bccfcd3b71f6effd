import * as asn1js from 'asn1js';
import { invalid } from './pe-file.js';
import { OID_SPC_NESTED_SIGNATURE } from './spc.js';

/**
 * Adds `nested` (a DER ContentInfo) to the primary signature as a nested signature: a value of the
 * unsigned attribute SPC_NESTED_SIGNATURE of its first SignerInfo, where Windows and osslsigncode
 * look. Unsigned attributes are outside what the primary signer signed, so it stays valid.
 *
 * @throws SignetError `INVALID_FORMAT` when `primary` is not a SignedData with a SignerInfo.
 */
export function appendNestedSignature(primary: Uint8Array, nested: Uint8Array): Uint8Array {
  const parsed = asn1js.fromBER(primary);
  const signerInfo = firstSignerInfo(parsed.offset === -1 ? undefined : parsed.result);
  const value = asn1js.fromBER(nested).result;
  const fields = signerInfo.valueBlock.value;
  const last = fields[fields.length - 1];
  let unsigned: asn1js.Constructed;
  if (last instanceof asn1js.Constructed && last.idBlock.tagClass === 3 && last.idBlock.tagNumber === 1)
    unsigned = last;
  else {
    unsigned = new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [] });
    fields.push(unsigned);
  }
  const existing = unsigned.valueBlock.value.find(
    (a) => a instanceof asn1js.Sequence && oidOf(a.valueBlock.value[0]) === OID_SPC_NESTED_SIGNATURE,
  ) as asn1js.Sequence | undefined;
  const values = existing?.valueBlock.value[1];
  if (values instanceof asn1js.Set) values.valueBlock.value.push(value);
  else
    unsigned.valueBlock.value.push(
      new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: OID_SPC_NESTED_SIGNATURE }), new asn1js.Set({ value: [value] })],
      }),
    );
  return new Uint8Array(parsed.result.toBER(false));
}

function firstSignerInfo(contentInfo: asn1js.AsnType | undefined): asn1js.Sequence {
  const signedData = child(child(contentInfo, 1), 0);
  const signerInfos = signedData instanceof asn1js.Constructed ? signedData.valueBlock.value.at(-1) : undefined;
  const signerInfo = child(signerInfos, 0);
  if (!(signerInfo instanceof asn1js.Sequence)) throw invalid('its signature is not a PKCS#7 SignedData');
  return signerInfo;
}

function child(block: asn1js.AsnType | undefined, index: number): asn1js.AsnType | undefined {
  return block instanceof asn1js.Constructed ? block.valueBlock.value[index] : undefined;
}

function oidOf(block: asn1js.AsnType | undefined): string | undefined {
  return block instanceof asn1js.ObjectIdentifier ? block.valueBlock.toString() : undefined;
}
