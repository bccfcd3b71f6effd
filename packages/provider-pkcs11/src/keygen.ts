import { randomBytes } from 'node:crypto';
import { curveOf, type KeySpec } from '@signet/sdk';
import type { IKeyPair, Session } from 'graphene-pk11';
import { EC_PARAMS } from './keys.js';

const CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0000;
const CKM_EC_KEY_PAIR_GEN = 0x1040;

/**
 * Generates a key pair on the token, on one of libuv's threads (RSA generation takes seconds).
 * The private key is sensitive and never extractable, signs and does nothing else; both halves
 * share the label `name` and a random 16-byte CKA_ID, as certificates written later will.
 */
export function generateKeyPair(session: Session, name: string, spec: KeySpec): Promise<IKeyPair> {
  const id = randomBytes(16);
  const curve = curveOf(spec);
  const common = { token: true, label: name, id };
  const publicTemplate = {
    ...common,
    private: false,
    verify: true,
    encrypt: false,
    wrap: false,
    ...(curve
      ? { paramsEC: Buffer.from(EC_PARAMS[curve], 'hex') }
      : { modulusBits: Number(spec.slice(4)), publicExponent: Buffer.from([1, 0, 1]) }),
  };
  const privateTemplate = {
    ...common,
    private: true,
    sensitive: true,
    extractable: false,
    sign: true,
    decrypt: false,
    unwrap: false,
    derive: false,
  };
  const mechanism = curve ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN;
  return new Promise((resolve, reject) => {
    session.generateKeyPair(mechanism, publicTemplate, privateTemplate, (error, keys) =>
      error || !keys ? reject(error) : resolve(keys),
    );
  });
}
