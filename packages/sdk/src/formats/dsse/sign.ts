import { createHash } from 'node:crypto';
import type { CallOptions, Signer } from '../../provider/index.js';
import type { DsseEnvelope } from './envelope.js';
import { preAuthEncoding } from './pae.js';
import { IN_TOTO_PAYLOAD_TYPE, type InTotoStatement } from './statement.js';

export interface DsseSignOptions extends CallOptions {
  /** The signature's `keyid` hint. Default: `''` (none; DSSE makes it optional). */
  keyid?: string;
}

/**
 * Signs `payload` as a DSSE envelope. PAE is built and hashed here with the signer's hash; only
 * that digest reaches the signer (ECDSA signatures come back DER, as DSSE and Sigstore expect).
 *
 * @example
 * ```ts
 * const envelope = await signDsse(signer, { payloadType: 'application/vnd.in-toto+json', payload });
 * ```
 * @throws SignetError any error of the signer
 */
export async function signDsse(
  signer: Signer,
  message: { payloadType: string; payload: Uint8Array },
  options: DsseSignOptions = {},
): Promise<DsseEnvelope> {
  const pae = preAuthEncoding(message.payloadType, message.payload);
  const digest = createHash(signer.algorithm.hash).update(pae).digest();
  const signature = await signer.sign(digest, options.signal ? { signal: options.signal } : {});
  return {
    payloadType: message.payloadType,
    payload: Buffer.from(message.payload).toString('base64'),
    signatures: [{ keyid: options.keyid ?? '', sig: Buffer.from(signature).toString('base64') }],
  };
}

/** Signs an in-toto statement (its compact JSON) as a DSSE envelope. */
export function signInTotoStatement(
  signer: Signer,
  statement: InTotoStatement,
  options: DsseSignOptions = {},
): Promise<DsseEnvelope> {
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  return signDsse(signer, { payloadType: IN_TOTO_PAYLOAD_TYPE, payload }, options);
}
