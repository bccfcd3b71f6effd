import { SignetError } from '../../errors/errors.js';
import { decodeBase64 } from './base64.js';

/** One signature of a DSSE envelope: `sig` is base64; `keyid` an optional, unauthenticated hint. */
export interface DsseSignature {
  keyid: string;
  sig: string;
}

/** A DSSE envelope in its JSON form: `payload` is base64 of the signed bytes. */
export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

/** An envelope checked and decoded: the payload and signatures as bytes. */
export interface ParsedDsseEnvelope {
  payloadType: string;
  payload: Buffer;
  signatures: { keyid: string; sig: Buffer }[];
}

/**
 * Checks and decodes a DSSE envelope (an object, or its JSON text).
 *
 * @throws SignetError `INVALID_FORMAT`
 */
export function parseDsseEnvelope(input: unknown): ParsedDsseEnvelope {
  const value = typeof input === 'string' ? parseJson(input, 'DSSE envelope') : input;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('not an object');
  const { payloadType, payload, signatures } = value as Record<string, unknown>;
  if (typeof payloadType !== 'string' || payloadType === '') throw invalid('payloadType is missing');
  if (!Array.isArray(signatures) || signatures.length === 0) throw invalid('no signatures');
  return {
    payloadType,
    payload: decodeBase64(payload, 'payload'),
    signatures: signatures.map((entry: unknown, i) => {
      if (typeof entry !== 'object' || entry === null) throw invalid(`signatures[${i}] is not an object`);
      const { keyid, sig } = entry as Record<string, unknown>;
      if (keyid !== undefined && typeof keyid !== 'string') throw invalid(`signatures[${i}].keyid is not a string`);
      const bytes = decodeBase64(sig, `signatures[${i}].sig`);
      if (bytes.length === 0) throw invalid(`signatures[${i}].sig is empty`);
      return { keyid: keyid ?? '', sig: bytes };
    }),
  };
}

/** @throws SignetError `INVALID_FORMAT` */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new SignetError('INVALID_FORMAT', `The ${what} is not JSON`, { cause });
  }
}

function invalid(problem: string): SignetError {
  return new SignetError('INVALID_FORMAT', `Invalid DSSE envelope: ${problem}`);
}
