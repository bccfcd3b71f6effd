import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createSoftKeyProvider, type SoftKeyProvider } from '@signet/sdk/soft';
import type { KeySpec } from '@signet/sdk';
import { KmsFault, validation } from './kms-fault.js';

/** Key specs the fake can hold; the six with a Signet spec sign for real. */
export const SOFT_SPEC: Readonly<Record<string, KeySpec>> = {
  RSA_2048: 'rsa-2048',
  RSA_3072: 'rsa-3072',
  RSA_4096: 'rsa-4096',
  ECC_NIST_P256: 'ec-p256',
  ECC_NIST_P384: 'ec-p384',
  ECC_NIST_P521: 'ec-p521',
};
export const OTHER_SPECS = ['ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT'];

/** KMS signing algorithms by key spec, as DescribeKey reports them. */
export function signingAlgorithmsOf(spec: string): string[] {
  if (spec.startsWith('RSA_')) {
    return ['PSS', 'PKCS1_V1_5'].flatMap((p) => ['256', '384', '512'].map((h) => `RSASSA_${p}_SHA_${h}`));
  }
  const hash = { ECC_NIST_P256: '256', ECC_NIST_P384: '384', ECC_NIST_P521: '512', ECC_SECG_P256K1: '256' }[spec];
  return hash ? [`ECDSA_SHA_${hash}`] : [];
}

export interface FakeKey {
  readonly id: string;
  readonly arn: string;
  readonly spec: string;
  readonly usage: 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT';
  state: 'Enabled' | 'Disabled' | 'PendingDeletion';
  readonly created: Date;
  readonly description: string;
  readonly tags: Map<string, string>;
  /** DER SPKI; none for symmetric keys. */
  readonly publicKey?: Uint8Array;
}

export interface NewKey {
  spec: string;
  /** A fixed key id (a UUID), so a test can name the key before the fake starts. Default: random. */
  id?: string;
  usage?: 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT';
  state?: FakeKey['state'];
  tags?: Readonly<Record<string, string>>;
  description?: string;
}

/**
 * The fake's keys, aliases and their lookup rules. Private keys of signing keys live in a Signet
 * software key store (the SDK's own digest-signing route), named by key id.
 */
export class FakeKeyStore {
  readonly keys = new Map<string, FakeKey>();
  /** Alias names (`alias/...`) to key ids; undefined for AWS-managed aliases not yet in use. */
  readonly aliases = new Map<string, string | undefined>([['alias/aws/ebs', undefined]]);

  private constructor(
    readonly soft: SoftKeyProvider,
    readonly region: string,
    readonly account: string,
  ) {}

  static async open(directory: string, region: string, account: string): Promise<FakeKeyStore> {
    const soft = await createSoftKeyProvider({ directory, secret: { masterKey: new Uint8Array(32).fill(7) } });
    return new FakeKeyStore(soft, region, account);
  }

  async create(options: NewKey): Promise<FakeKey> {
    const id = options.id ?? randomUUID();
    const softSpec = SOFT_SPEC[options.spec];
    let publicKey: Uint8Array | undefined;
    if (softSpec) publicKey = (await this.soft.generateKey({ name: id, spec: softSpec })).publicKey;
    else if (options.spec === 'ECC_SECG_P256K1') {
      publicKey = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({
        format: 'der',
        type: 'spki',
      });
    } else if (options.spec !== 'SYMMETRIC_DEFAULT') throw validation('keySpec', options.spec, 'unknown key spec');
    const key: FakeKey = {
      id,
      arn: `${this.arnPrefix()}key/${id}`,
      spec: options.spec,
      usage: options.usage ?? (options.spec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : 'SIGN_VERIFY'),
      state: options.state ?? 'Enabled',
      created: new Date(),
      description: options.description ?? '',
      tags: new Map(Object.entries(options.tags ?? {})),
      ...(publicKey ? { publicKey } : {}),
    };
    this.keys.set(id, key);
    return key;
  }

  arnPrefix(): string {
    return `arn:aws:kms:${this.region}:${this.account}:`;
  }

  /** Resolves a `KeyId` parameter (key id, key ARN, alias name, alias ARN) as KMS does. */
  resolve(keyId: unknown, { aliases = true } = {}): FakeKey {
    if (keyId === undefined || keyId === null) throw validation('keyId', keyId, 'Member must not be null');
    if (typeof keyId !== 'string') throw new KmsFault('SerializationException', 'keyId must be a string');
    if (keyId.length < 1 || keyId.length > 2048) {
      throw validation('keyId', keyId, 'Member must have length between 1 and 2048');
    }
    let resource = keyId;
    if (keyId.startsWith('arn:')) {
      const arn = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):((?:key|alias)\/.+)$/.exec(keyId);
      if (!arn) throw new KmsFault('InvalidArnException', `ARN ${keyId} is not a valid KMS key or alias ARN`);
      if (arn[1] !== this.region || arn[2] !== this.account) throw notFound(keyId);
      resource = arn[3]!;
      if (resource.startsWith('key/')) resource = resource.slice(4);
    }
    if (resource.startsWith('alias/')) {
      const target = aliases ? this.aliases.get(resource) : undefined;
      if (!target) throw new KmsFault('NotFoundException', `Alias ${this.arnPrefix()}${resource} is not found.`);
      return this.keys.get(target)!;
    }
    if (!/^(?:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/.test(resource)) {
      throw new KmsFault('NotFoundException', `Invalid keyId '${keyId}'`);
    }
    const key = this.keys.get(resource);
    if (!key) throw notFound(`${this.arnPrefix()}key/${resource}`);
    return key;
  }

  /** KMS refuses to use a disabled key or one pending deletion for cryptography. */
  usable(key: FakeKey): FakeKey {
    if (key.state === 'Disabled') throw new KmsFault('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion')
      throw new KmsFault('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    return key;
  }

  metadata(key: FakeKey) {
    return {
      AWSAccountId: this.account,
      KeyId: key.id,
      Arn: key.arn,
      CreationDate: key.created.getTime() / 1000,
      Enabled: key.state === 'Enabled',
      Description: key.description,
      KeyUsage: key.usage,
      KeyState: key.state,
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: key.spec,
      KeySpec: key.spec,
      MultiRegion: false,
      ...(key.usage === 'SIGN_VERIFY'
        ? { SigningAlgorithms: signingAlgorithmsOf(key.spec) }
        : { EncryptionAlgorithms: key.spec === 'SYMMETRIC_DEFAULT' ? ['SYMMETRIC_DEFAULT'] : ['RSAES_OAEP_SHA_256'] }),
    };
  }
}

function notFound(arn: string): KmsFault {
  return new KmsFault('NotFoundException', `Key '${arn}' does not exist`);
}
