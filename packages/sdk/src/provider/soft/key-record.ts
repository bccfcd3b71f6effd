import { createHash, type KeyObject } from 'node:crypto';
import { algorithmsForKeySpec, type KeySpec } from '../../algorithms/algorithms.js';
import { SignetError } from '../../errors/errors.js';
import type { KeyInfo } from '../provider.js';
import type { KeyRecord } from './key-store.js';

/*
 * Key records as the provider shows them: the public KeyInfo, the AAD that binds a sealed key to
 * its record, and the key spec of an imported key.
 */

/** AES-GCM additional data: the sealed key opens only inside the record it was written to. */
export function keyAad(record: Pick<KeyRecord, 'name' | 'spec' | 'publicKey'>): string {
  const fingerprint = createHash('sha256').update(Buffer.from(record.publicKey, 'base64')).digest('hex');
  return `signet-key:v1:${record.name}:${record.spec}:${fingerprint}`;
}

export function keyExists(name: string): SignetError {
  return new SignetError('KEY_EXISTS', `A key named soft://${name} already exists`, {
    details: { key: `soft://${name}` },
  });
}

export function toInfo(record: KeyRecord): KeyInfo {
  return {
    uri: `soft://${record.name}`,
    name: record.name,
    spec: record.spec,
    algorithms: algorithmsForKeySpec(record.spec).map((a) => a.id),
    publicKey: new Uint8Array(Buffer.from(record.publicKey, 'base64')),
    certificates: record.certificates.map((c) => new Uint8Array(Buffer.from(c, 'base64'))),
    createdAt: new Date(record.createdAt),
  };
}

/** The spec of an imported key. @throws SignetError `UNSUPPORTED_ALGORITHM` */
export function specOfKeyObject(key: KeyObject): KeySpec {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && [2048, 3072, 4096].includes(d.modulusLength ?? 0)) {
    return `rsa-${d.modulusLength}` as KeySpec;
  }
  if (key.asymmetricKeyType === 'ec') {
    const spec = ({ prime256v1: 'ec-p256', secp384r1: 'ec-p384', secp521r1: 'ec-p521' } as const)[
      d.namedCurve as 'prime256v1'
    ];
    if (spec) return spec;
  }
  throw new SignetError(
    'UNSUPPORTED_ALGORITHM',
    `Keys of type ${key.asymmetricKeyType} ${d.modulusLength ?? d.namedCurve ?? ''} are not supported`,
  );
}
