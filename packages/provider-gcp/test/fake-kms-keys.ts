import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeySpec, SignatureAlgorithmId } from '@signet/sdk';
import { toPem } from '@signet/sdk/x509';
import { createSoftKeyProvider, type SoftKeyProvider } from '@signet/sdk/soft';
import type { AlgorithmName, PurposeName, StateName } from './fake-kms-wire.js';

/*
 * The fake's keys. Real key pairs; signing goes through the SDK's software provider, which signs a
 * ready digest correctly (node's crypto.sign would hash it again for ECDSA). This table is written
 * apart from the provider's, so a wrong mapping there shows up as a failed verification.
 */
const SIGNING: Partial<Record<AlgorithmName, { spec: KeySpec; algorithm: SignatureAlgorithmId }>> = {
  EC_SIGN_P256_SHA256: { spec: 'ec-p256', algorithm: 'ecdsa-p256-sha256' },
  EC_SIGN_P384_SHA384: { spec: 'ec-p384', algorithm: 'ecdsa-p384-sha384' },
  RSA_SIGN_PKCS1_2048_SHA256: { spec: 'rsa-2048', algorithm: 'rsa-pkcs1-sha256' },
  RSA_SIGN_PKCS1_3072_SHA256: { spec: 'rsa-3072', algorithm: 'rsa-pkcs1-sha256' },
  RSA_SIGN_PKCS1_4096_SHA256: { spec: 'rsa-4096', algorithm: 'rsa-pkcs1-sha256' },
  RSA_SIGN_PKCS1_4096_SHA512: { spec: 'rsa-4096', algorithm: 'rsa-pkcs1-sha512' },
  RSA_SIGN_PSS_2048_SHA256: { spec: 'rsa-2048', algorithm: 'rsa-pss-sha256' },
  RSA_SIGN_PSS_3072_SHA256: { spec: 'rsa-3072', algorithm: 'rsa-pss-sha256' },
  RSA_SIGN_PSS_4096_SHA256: { spec: 'rsa-4096', algorithm: 'rsa-pss-sha256' },
  RSA_SIGN_PSS_4096_SHA512: { spec: 'rsa-4096', algorithm: 'rsa-pss-sha512' },
};

/** The digest each algorithm signs: the `Digest` field name and its length. */
export function digestOf(
  algorithm: AlgorithmName,
): { field: 'sha256' | 'sha384' | 'sha512'; length: number } | undefined {
  const id = SIGNING[algorithm]?.algorithm;
  if (!id) return undefined;
  const field = id.slice(-6) as 'sha256' | 'sha384' | 'sha512';
  return { field, length: { sha256: 32, sha384: 48, sha512: 64 }[field] };
}

export interface FakeVersion {
  readonly name: string;
  readonly algorithm: AlgorithmName;
  state: StateName;
  readonly createTime: Date;
  /** PEM SubjectPublicKeyInfo; absent for symmetric keys. */
  readonly pem?: string;
  /** The software key that signs for it. */
  readonly softKey?: string;
}

export interface FakeKey {
  readonly name: string;
  readonly purpose: PurposeName;
  readonly createTime: Date;
  readonly versions: FakeVersion[];
}

export interface FakeKeyRing {
  readonly name: string;
  readonly createTime: Date;
  readonly keys: FakeKey[];
}

export interface AddKeyParams {
  algorithm: AlgorithmName;
  purpose?: PurposeName;
  /** One version per state given. Default one ENABLED version. */
  states?: StateName[];
}

export class FakeKeyStore {
  readonly rings = new Map<string, FakeKeyRing>();
  private readonly keys = new Map<string, FakeKey>();
  private readonly versions = new Map<string, FakeVersion>();
  private counter = 0;

  private constructor(
    private readonly soft: SoftKeyProvider,
    private readonly directory: string,
  ) {}

  static async create(): Promise<FakeKeyStore> {
    const directory = await mkdtemp(join(tmpdir(), 'signet-fake-kms-'));
    const soft = await createSoftKeyProvider({ directory, secret: { masterKey: randomBytes(32) } });
    return new FakeKeyStore(soft, directory);
  }

  addKeyRing(name: string): FakeKeyRing {
    let ring = this.rings.get(name);
    if (!ring) this.rings.set(name, (ring = { name, createTime: new Date(), keys: [] }));
    return ring;
  }

  /** Adds a key (and its ring) with fresh key material per version; returns the version names. */
  async addKey(ringName: string, id: string, params: AddKeyParams): Promise<string[]> {
    const ring = this.addKeyRing(ringName);
    const name = `${ringName}/cryptoKeys/${id}`;
    const key: FakeKey = {
      name,
      purpose:
        params.purpose ??
        (SIGNING[params.algorithm] || params.algorithm === 'EC_SIGN_ED25519' ? 'ASYMMETRIC_SIGN' : 'ENCRYPT_DECRYPT'),
      createTime: new Date(),
      versions: [],
    };
    for (const state of params.states ?? ['ENABLED']) {
      const version = await this.material(
        `${name}/cryptoKeyVersions/${key.versions.length + 1}`,
        params.algorithm,
        state,
      );
      key.versions.push(version);
      this.versions.set(version.name, version);
    }
    ring.keys.push(key);
    this.keys.set(name, key);
    return key.versions.map((v) => v.name);
  }

  private async material(name: string, algorithm: AlgorithmName, state: StateName): Promise<FakeVersion> {
    const base = { name, algorithm, state, createTime: new Date() };
    const signing = SIGNING[algorithm];
    if (signing) {
      const softKey = `v${++this.counter}`;
      const info = await this.soft.generateKey({ name: softKey, spec: signing.spec });
      return { ...base, softKey, pem: toPem('PUBLIC KEY', info.publicKey) };
    }
    if (algorithm === 'EC_SIGN_ED25519') {
      const { publicKey } = generateKeyPairSync('ed25519');
      return { ...base, pem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
    }
    return base;
  }

  key(name: string): FakeKey | undefined {
    return this.keys.get(name);
  }

  version(name: string): FakeVersion | undefined {
    return this.versions.get(name);
  }

  async sign(version: FakeVersion, digest: Uint8Array): Promise<Uint8Array> {
    const signing = SIGNING[version.algorithm]!;
    return this.soft.sign({ key: `soft://${version.softKey}`, algorithm: signing.algorithm, digest });
  }

  async close(): Promise<void> {
    await this.soft.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
