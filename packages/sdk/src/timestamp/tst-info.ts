import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignetError } from '../errors/errors.js';
import { isWellNested } from '../x509/ber-nesting.js';
import { oidString } from './oid.js';
import type { TimestampAccuracy } from './timestamp.js';

/** The fields of a TSTInfo a TSA fills in (RFC 3161 §2.4.2). */
export interface TstInfoFields {
  policy: string;
  /** Echoed from the request. */
  messageImprint: pkijs.MessageImprint;
  serialNumber: bigint;
  genTime: Date;
  accuracy?: TimestampAccuracy;
  /** Echoed from the request, byte for byte. */
  nonce?: asn1js.Integer;
  /** The TSA's name (its certificate's subject), as a hint for verifiers. */
  tsa?: pkijs.RelativeDistinguishedNames;
}

/**
 * Encodes a version 1 TSTInfo. `genTime` keeps its milliseconds (GeneralizedTime drops trailing
 * zeros, as DER wants); `ordering` is left out (false): replicas' clocks do not order tokens.
 */
export function encodeTstInfo(fields: TstInfoFields): Uint8Array {
  const value: asn1js.AsnType[] = [
    new asn1js.Integer({ value: 1 }),
    new asn1js.ObjectIdentifier({ value: fields.policy }),
    fields.messageImprint.toSchema(),
    asn1js.Integer.fromBigInt(fields.serialNumber),
    new asn1js.GeneralizedTime({ valueDate: fields.genTime }),
  ];
  if (fields.accuracy && hasAccuracy(fields.accuracy)) value.push(encodeAccuracy(fields.accuracy));
  if (fields.nonce) value.push(fields.nonce);
  if (fields.tsa) {
    // [0] GeneralName: EXPLICIT, a CHOICE cannot be tagged implicitly; directoryName is [4] EXPLICIT Name.
    const name = new pkijs.GeneralName({ type: 4, value: fields.tsa });
    value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [name.toSchema()] }));
  }
  return new Uint8Array(new asn1js.Sequence({ value }).toBER(false));
}

/**
 * Parses a TSTInfo, with its policy OID.
 *
 * @throws SignetError `INVALID_FORMAT`
 */
export function readTstInfo(der: Uint8Array): { info: pkijs.TSTInfo; policy: string } {
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength || !isWellNested(asn1.result)) throw new Error('not DER');
    const info = new pkijs.TSTInfo({ schema: asn1.result });
    // The policy with arcs of any size (pkijs's string garbles arcs past 2^53).
    const policy = oidString((asn1.result as asn1js.Sequence).valueBlock.value[1]);
    if (policy === undefined) throw new Error('bad policy OID');
    return { info, policy };
  } catch (cause) {
    throw new SignetError('INVALID_FORMAT', 'The timestamp token does not hold a TSTInfo', { cause });
  }
}

/** Reads a TSTInfo's Accuracy; absent parts are left out. */
export function readAccuracy(accuracy: pkijs.Accuracy | undefined): TimestampAccuracy | undefined {
  if (!accuracy) return undefined;
  const { seconds, millis, micros } = accuracy;
  return {
    ...(seconds !== undefined ? { seconds } : {}),
    ...(millis !== undefined ? { millis } : {}),
    ...(micros !== undefined ? { micros } : {}),
  };
}

function hasAccuracy(a: TimestampAccuracy): boolean {
  return Boolean(a.seconds || a.millis || a.micros);
}

/**
 * Checks an accuracy before anything is issued with it.
 *
 * @throws SignetError `INVALID_ARGUMENT` unless seconds is a whole number and millis and micros whole numbers of 1–999.
 */
export function assertAccuracy(a: TimestampAccuracy): void {
  const whole = (n: number | undefined, max: number) =>
    n === undefined || (Number.isSafeInteger(n) && n >= 0 && n <= max);
  if (!whole(a.seconds, Number.MAX_SAFE_INTEGER) || !whole(a.millis, 999) || !whole(a.micros, 999))
    throw new SignetError('INVALID_ARGUMENT', 'Accuracy is whole seconds, and millis and micros from 1 to 999');
}

/** Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER OPTIONAL, micros [1] INTEGER OPTIONAL } */
function encodeAccuracy(a: TimestampAccuracy): asn1js.Sequence {
  assertAccuracy(a);
  const parts: asn1js.AsnType[] = [];
  if (a.seconds) parts.push(new asn1js.Integer({ value: a.seconds }));
  for (const [tag, n] of [
    [0, a.millis],
    [1, a.micros],
  ] as const) {
    if (!n) continue;
    const content = new asn1js.Integer({ value: n }).valueBlock.valueHexView;
    parts.push(new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: content }));
  }
  return new asn1js.Sequence({ value: parts });
}
