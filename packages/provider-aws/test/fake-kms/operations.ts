import { createHash } from 'node:crypto';
import type { SignatureAlgorithmId } from '@signet/sdk';
import { KmsFault, validation } from './kms-fault.js';
import { OTHER_SPECS, SOFT_SPEC, signingAlgorithmsOf, type FakeKeyStore } from './key-store.js';

type Input = Record<string, unknown>;
type Operation = (store: FakeKeyStore, input: Input, options: { pageSize: number }) => Promise<object>;

// The fake's own table (not the provider's), so a wrong mapping in the provider shows up.
const ALGORITHMS: Record<string, { id: SignatureAlgorithmId; hash: string; length: number }> = {};
for (const [scheme, ours] of [
  ['RSASSA_PKCS1_V1_5', 'rsa-pkcs1'],
  ['RSASSA_PSS', 'rsa-pss'],
] as const) {
  for (const bits of [256, 384, 512] as const) {
    ALGORITHMS[`${scheme}_SHA_${bits}`] = { id: `${ours}-sha${bits}`, hash: `sha${bits}`, length: bits / 8 };
  }
}
ALGORITHMS.ECDSA_SHA_256 = { id: 'ecdsa-p256-sha256', hash: 'sha256', length: 32 };
ALGORITHMS.ECDSA_SHA_384 = { id: 'ecdsa-p384-sha384', hash: 'sha384', length: 48 };
ALGORITHMS.ECDSA_SHA_512 = { id: 'ecdsa-p521-sha512', hash: 'sha512', length: 64 };
const KMS_ALGORITHMS = [...Object.keys(ALGORITHMS), 'SM2DSA', 'ML_DSA_SHAKE_256', 'ED25519_SHA_512'];

/** The KMS operations the fake serves, by the name after `TrentService.`. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  async Sign(store, input) {
    const key = store.usable(store.resolve(input.KeyId));
    const message = blob(input.Message, 'message');
    if (message.length < 1 || message.length > 4096) {
      throw validation('message', '***', 'Member must have length between 1 and 4096');
    }
    const type = input.MessageType ?? 'RAW';
    if (!['RAW', 'DIGEST', 'EXTERNAL_MU'].includes(type as string)) {
      throw validation('messageType', type, 'Member must satisfy enum value set: [RAW, DIGEST, EXTERNAL_MU]');
    }
    const name = input.SigningAlgorithm;
    if (typeof name !== 'string' || !KMS_ALGORITHMS.includes(name)) {
      throw validation('signingAlgorithm', name, `Member must satisfy enum value set: [${KMS_ALGORITHMS.join(', ')}]`);
    }
    if (key.usage !== 'SIGN_VERIFY') {
      throw new KmsFault(
        'InvalidKeyUsageException',
        `${key.arn} key usage is ${key.usage} which is not valid for Sign.`,
      );
    }
    const algorithm = ALGORITHMS[name];
    if (!algorithm || !signingAlgorithmsOf(key.spec).includes(name) || !SOFT_SPEC[key.spec]) {
      throw new KmsFault('InvalidKeyUsageException', `Algorithm ${name} is incompatible with key spec ${key.spec}.`);
    }
    if (type === 'EXTERNAL_MU') throw new KmsFault('InvalidKeyUsageException', 'EXTERNAL_MU is for ML-DSA keys only.');
    if (type === 'DIGEST' && message.length !== algorithm.length) {
      throw new KmsFault('ValidationException', `Digest is invalid length for algorithm ${name}.`);
    }
    const digest = type === 'DIGEST' ? message : createHash(algorithm.hash).update(message).digest();
    const signature = await store.soft.sign({ key: `soft://${key.id}`, algorithm: algorithm.id, digest });
    return { KeyId: key.arn, Signature: base64(signature), SigningAlgorithm: name };
  },

  async GetPublicKey(store, input) {
    const key = store.usable(store.resolve(input.KeyId));
    if (!key.publicKey)
      throw new KmsFault('UnsupportedOperationException', `${key.arn} key type is not supported for this operation.`);
    return {
      KeyId: key.arn,
      PublicKey: base64(key.publicKey),
      CustomerMasterKeySpec: key.spec,
      KeySpec: key.spec,
      KeyUsage: key.usage,
      ...(key.usage === 'SIGN_VERIFY'
        ? { SigningAlgorithms: signingAlgorithmsOf(key.spec) }
        : { EncryptionAlgorithms: ['RSAES_OAEP_SHA_256'] }),
    };
  },

  async DescribeKey(store, input) {
    return { KeyMetadata: store.metadata(store.resolve(input.KeyId)) };
  },

  async ListKeys(store, input, { pageSize }) {
    const keys = [...store.keys.values()].map((k) => ({ KeyId: k.id, KeyArn: k.arn }));
    return page(keys, input, Math.min(pageSize, 1000), 1000, 'Keys');
  },

  async ListAliases(store, input, { pageSize }) {
    const target = input.KeyId === undefined ? undefined : store.resolve(input.KeyId, { aliases: false }).id;
    const aliases = [...store.aliases]
      .filter(([, keyId]) => target === undefined || keyId === target)
      .map(([name, keyId]) => ({
        AliasName: name,
        AliasArn: `${store.arnPrefix()}${name}`,
        ...(keyId ? { TargetKeyId: keyId } : {}),
      }));
    return page(aliases, input, Math.min(pageSize, 100), 100, 'Aliases');
  },

  async ListResourceTags(store, input, { pageSize }) {
    const key = store.resolve(input.KeyId, { aliases: false });
    const tags = [...key.tags].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    return page(tags, input, Math.min(pageSize, 50), 50, 'Tags');
  },

  async CreateKey(store, input) {
    const spec = (input.KeySpec ?? 'SYMMETRIC_DEFAULT') as string;
    if (!SOFT_SPEC[spec] && !OTHER_SPECS.includes(spec))
      throw validation('keySpec', spec, 'Member must satisfy enum value set');
    const usage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
    if (usage !== 'SIGN_VERIFY' && usage !== 'ENCRYPT_DECRYPT')
      throw validation('keyUsage', usage, 'unsupported by the fake');
    if (usage === 'SIGN_VERIFY' && spec === 'SYMMETRIC_DEFAULT') {
      throw new KmsFault(
        'ValidationException',
        'KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT',
      );
    }
    const tags: Record<string, string> = {};
    for (const tag of (input.Tags ?? []) as Input[]) {
      if (typeof tag?.TagKey !== 'string' || typeof tag.TagValue !== 'string' || tag.TagKey.startsWith('aws:')) {
        throw new KmsFault('TagException', 'Tags must have a string TagKey (not aws:...) and TagValue');
      }
      tags[tag.TagKey] = tag.TagValue;
    }
    const description = typeof input.Description === 'string' ? input.Description : '';
    const key = await store.create({ spec, usage, tags, description });
    return { KeyMetadata: store.metadata(key) };
  },

  async CreateAlias(store, input) {
    const name = input.AliasName;
    if (typeof name !== 'string' || !/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(name)) {
      throw validation('aliasName', name, 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$');
    }
    if (name.startsWith('alias/aws/'))
      throw new KmsFault('InvalidAliasNameException', 'Alias must not begin with alias/aws/');
    if (store.aliases.has(name)) {
      throw new KmsFault('AlreadyExistsException', `An alias with the name ${store.arnPrefix()}${name} already exists`);
    }
    const key = store.resolve(input.TargetKeyId, { aliases: false });
    store.aliases.set(name, key.id);
    return {};
  },

  async ScheduleKeyDeletion(store, input) {
    const key = store.resolve(input.KeyId, { aliases: false });
    const days = (input.PendingWindowInDays ?? 30) as number;
    if (!Number.isInteger(days) || days < 7 || days > 30) {
      throw validation('pendingWindowInDays', days, 'Member must have value between 7 and 30');
    }
    key.state = 'PendingDeletion';
    return {
      KeyId: key.arn,
      KeyState: key.state,
      PendingWindowInDays: days,
      DeletionDate: Date.now() / 1000 + days * 86400,
    };
  },
};

/** One page of a KMS list: `Limit` (1..max, default `size`), an opaque `Marker`, `Truncated`/`NextMarker`. */
function page(items: object[], input: Input, size: number, max: number, field: string) {
  const limit = input.Limit ?? size;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw validation('limit', limit, `Member must have value between 1 and ${max}`);
  }
  let start = 0;
  if (input.Marker !== undefined) {
    const decoded =
      typeof input.Marker === 'string' ? /^m(\d+)$/.exec(Buffer.from(input.Marker, 'base64url').toString()) : null;
    if (!decoded)
      throw new KmsFault(
        'InvalidMarkerException',
        'The marker that specifies where pagination should next begin is not valid.',
      );
    start = Number(decoded[1]);
  }
  const end = Math.min(items.length, start + Math.min(limit, size));
  const truncated = end < items.length;
  return {
    [field]: items.slice(start, end),
    Truncated: truncated,
    ...(truncated ? { NextMarker: Buffer.from(`m${end}`).toString('base64url') } : {}),
  };
}

function blob(value: unknown, field: string): Buffer {
  if (value === undefined || value === null) throw validation(field, value, 'Member must not be null');
  if (typeof value !== 'string' || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new KmsFault('SerializationException', `${field} is not valid base64`);
  }
  return Buffer.from(value, 'base64');
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
