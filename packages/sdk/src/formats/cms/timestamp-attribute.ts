import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { isSignetError, SignetError, throwIfAborted } from '../../errors/errors.js';
import { OID_TIMESTAMP_TOKEN } from '../../timestamp/oids.js';
import type { TimestampClient, TimestampInfo } from '../../timestamp/timestamp.js';
import { verifyTimestampToken } from '../../timestamp/token.js';

/**
 * Where a signature's timestamp comes from: a client (imprint hash `hash`, default the signer's),
 * or a function that returns the DER token for the signature value (what a format built on CMS,
 * such as JAR signing, passes through).
 */
export type CmsTimestamper =
  | { client: TimestampClient; hash?: HashAlgorithm }
  | ((signatureValue: Uint8Array, options: { signal?: AbortSignal }) => Promise<Uint8Array>);

/**
 * The id-aa-timeStampToken attribute for a SignerInfo's signature value. A token from a function
 * is verified here (its imprint must be the signature value's digest); a client's already was.
 * The token goes in as received: it must be DER, so re-encoding the SignerInfo keeps its bytes.
 *
 * @throws SignetError `VERIFICATION_FAILED`, `INVALID_FORMAT`, and any error of the client.
 */
export async function timestampAttribute(
  timestamper: CmsTimestamper,
  signatureValue: Uint8Array,
  signerHash: HashAlgorithm,
  signal: AbortSignal | undefined,
): Promise<pkijs.Attribute> {
  throwIfAborted(signal);
  let token: Uint8Array;
  if (typeof timestamper === 'function') {
    token = await timestamper(signatureValue, { signal });
    verifyTimestampToken(token, { input: { data: signatureValue } });
  } else {
    const hash = timestamper.hash ?? signerHash;
    token = (await timestamper.client.timestamp({ data: signatureValue, hash }, { signal })).token;
  }
  const parsed = asn1js.fromBER(token);
  if (parsed.offset !== token.byteLength || !Buffer.from(parsed.result.toBER(false)).equals(token))
    throw new SignetError('INVALID_FORMAT', 'The timestamp token is not DER');
  return new pkijs.Attribute({ type: OID_TIMESTAMP_TOKEN, values: [parsed.result] });
}

/**
 * Verifies the timestamp a SignerInfo carries, if any: exactly one id-aa-timeStampToken value, a
 * token that verifies and whose imprint is the digest of the signature value.
 *
 * @returns what the token says, or undefined when the SignerInfo has none.
 * @throws SignetError `VERIFICATION_FAILED`
 */
export function readSignatureTimestamp(
  signerInfo: pkijs.SignerInfo,
  trustedCertificates: readonly Uint8Array[] | undefined,
): TimestampInfo | undefined {
  const found = (signerInfo.unsignedAttrs?.attributes ?? []).filter((a) => a.type === OID_TIMESTAMP_TOKEN);
  if (found.length === 0) return undefined;
  const value: unknown = found[0]!.values[0];
  if (found.length > 1 || found[0]!.values.length !== 1 || !(value instanceof asn1js.BaseBlock))
    throw new SignetError('VERIFICATION_FAILED', 'The signature must carry one timestamp token');
  try {
    return verifyTimestampToken(new Uint8Array(value.valueBeforeDecodeView), {
      input: { data: signerInfo.signature.valueBlock.valueHexView },
      ...(trustedCertificates ? { trustedCertificates } : {}),
    });
  } catch (cause) {
    if (isSignetError(cause, 'VERIFICATION_FAILED')) throw cause;
    throw new SignetError('VERIFICATION_FAILED', 'The timestamp token is not a valid token', { cause });
  }
}
