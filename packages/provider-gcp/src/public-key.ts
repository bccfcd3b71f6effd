import { createPublicKey } from 'node:crypto';
import { curveOf, SignetError, type KeySpec } from '@signet/sdk';
import { kmsAlgorithm, type KmsAlgorithm } from './algorithms.js';
import { checkedPem, type PublicKeyResponse } from './integrity.js';

/** A key version as this provider signs with it: immutable for the version's life, so cacheable. */
export interface VersionKey {
  readonly name: string;
  readonly kms: KmsAlgorithm;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKey: Uint8Array;
}

const NODE_CURVES: Readonly<Record<string, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };

/**
 * Reads a GetPublicKey answer: integrity checked, algorithm known to Signet, and a public key that
 * really is of the algorithm's type and size (a key of another shape would sign signatures no
 * verifier accepts for the algorithm we report).
 *
 * @throws SignetError `UNAVAILABLE` (integrity), `UNSUPPORTED_ALGORITHM`, `INTERNAL`
 */
export function readVersionKey(response: PublicKeyResponse, name: string): VersionKey {
  const pem = checkedPem(response, name);
  const kms = kmsAlgorithm(response.algorithm);
  if (!kms) {
    throw new SignetError(
      'UNSUPPORTED_ALGORITHM',
      `Cloud KMS key version ${name} uses ${String(response.algorithm)}, which Signet does not sign with`,
      { details: { resource: name, kmsAlgorithm: response.algorithm } },
    );
  }
  let key;
  try {
    key = createPublicKey(pem);
  } catch (cause) {
    throw new SignetError('INTERNAL', `Cloud KMS returned a public key for ${name} that does not parse`, { cause });
  }
  if (!fits(key.asymmetricKeyType, key.asymmetricKeyDetails ?? {}, kms.spec)) {
    throw new SignetError('INTERNAL', `Cloud KMS returned a public key for ${name} that is not ${kms.spec}`, {
      details: { resource: name, kmsAlgorithm: kms.kms },
    });
  }
  return { name, kms, publicKey: new Uint8Array(key.export({ format: 'der', type: 'spki' })) };
}

function fits(type: string | undefined, details: { modulusLength?: number; namedCurve?: string }, spec: KeySpec) {
  const curve = curveOf(spec);
  if (curve) return type === 'ec' && details.namedCurve === NODE_CURVES[curve];
  return type === 'rsa' && details.modulusLength === Number(spec.slice(4));
}
