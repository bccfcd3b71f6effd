import { SignetError } from '../../errors/errors.js';
import type { Signer } from '../../provider/signer.js';
import type { CallOptions } from '../../provider/provider.js';
import { verifyDigestSignature, type VerifyDigestParams } from './verify-digest.js';

/*
 * The `raw` format: the signature bytes alone (ECDSA as DER, RSA as a modulus-size integer), as a
 * binary file or base64 text. Verifiers need the public key and the algorithm out of band; this
 * is what `openssl dgst -verify` and `openssl pkeyutl -verify` read.
 */

/** What a raw signature is made over: the artifact's digest, computed by the caller. */
export interface RawSignInput {
  digest: Uint8Array;
}

/**
 * Signs an artifact's digest and returns the bare signature bytes.
 *
 * @example
 * ```ts
 * const { digests } = await digestFile('app.tgz', { hashes: [signer.algorithm.hash] });
 * const signature = await signRaw(signer, { digest: digests[signer.algorithm.hash]! });
 * ```
 */
export async function signRaw(signer: Signer, input: RawSignInput, options: CallOptions = {}): Promise<Uint8Array> {
  return signer.sign(input.digest, options);
}

/**
 * Verifies a raw signature over a digest.
 *
 * @throws SignetError `VERIFICATION_FAILED` when the signature does not match; input errors as
 * {@link verifyDigestSignature}.
 */
export function verifyRaw(params: VerifyDigestParams): void {
  if (!verifyDigestSignature(params)) {
    throw new SignetError('VERIFICATION_FAILED', 'The signature does not match this file and key', {
      details: { algorithm: params.algorithm },
    });
  }
}

/** Encodes a signature as base64 text, one line, newline-terminated. */
export function encodeBase64(signature: Uint8Array): string {
  return `${Buffer.from(signature).toString('base64')}\n`;
}

/**
 * Reads a raw signature file: base64 text (whitespace ignored) or binary bytes.
 * Binary is assumed unless the whole file is base64 text.
 */
export function decodeSignature(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1').trim();
  if (text.length > 0 && /^[A-Za-z0-9+/\s]+={0,2}$/.test(text)) {
    const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    if (
      decoded.length > 0 &&
      decoded.toString('base64').replace(/=+$/, '') === text.replace(/\s+/g, '').replace(/=+$/, '')
    ) {
      return new Uint8Array(decoded);
    }
  }
  return new Uint8Array(bytes);
}
