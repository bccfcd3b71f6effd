import { createHash, createPublicKey } from 'node:crypto';
import { readPgpSignature } from '../../../src/formats/pgp/index.js';
import { verifyDigestSignature } from '../../../src/formats/raw/index.js';
import { CURVES, ecdsaRawToDer, type Signer } from '../../helpers/sdk.js';

/**
 * Checks one of our signatures without gpg: recomputes the v4 digest over `prefix` (the signed data)
 * and the signature's hashed part and trailer, then verifies the MPIs over that digest.
 */
export function verifiesInProcess(asc: string, prefix: Uint8Array, signer: Signer): boolean {
  const info = readPgpSignature(asc);
  const { algorithm } = signer;
  const trailer = Buffer.alloc(6);
  trailer.writeUInt16BE(0x04ff);
  trailer.writeUInt32BE(info.hashedPart.length, 2);
  const digest = createHash(algorithm.hash).update(prefix).update(info.hashedPart).update(trailer).digest();
  if (!digest.subarray(0, 2).equals(Buffer.from(info.digestPrefix))) return false;
  let signature: Uint8Array;
  if (algorithm.curve) {
    const size = CURVES[algorithm.curve].size;
    const raw = Buffer.alloc(2 * size);
    raw.set(info.mpis[0]!, size - info.mpis[0]!.length);
    raw.set(info.mpis[1]!, 2 * size - info.mpis[1]!.length);
    signature = ecdsaRawToDer(raw, algorithm.curve);
  } else {
    const bits = createPublicKey({ key: Buffer.from(signer.key.publicKey), format: 'der', type: 'spki' })
      .asymmetricKeyDetails!.modulusLength!;
    const size = bits / 8;
    signature = Buffer.concat([Buffer.alloc(size - info.mpis[0]!.length), info.mpis[0]!]);
  }
  return verifyDigestSignature({ publicKey: signer.key.publicKey, algorithm: algorithm.id, digest, signature });
}
