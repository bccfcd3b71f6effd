import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ecdsaDerToRaw, getAlgorithm, type KeySpec, type SignatureAlgorithmId } from '@signet/sdk';
import { createSoftKeyProvider, type SoftKeyProvider } from '@signet/sdk/soft';

/*
 * The fake vault's keys. Real keys, real signatures: private keys live in Signet's software
 * provider, which signs a ready digest correctly for every scheme (Node's `crypto.sign` would hash
 * an ECDSA digest again); the fake hands out public keys as Key Vault JWKs and ECDSA signatures as
 * raw r || s, the way Key Vault does.
 */

/** What the fake can hold: Signet's specs, plus two kinds Signet must skip. */
export type FakeKeyKind = KeySpec | 'ec-p256k' | 'oct';

export interface CreateOptions {
  hsm?: boolean;
  keyOps?: string[];
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  /** Serve the RSA modulus with a leading zero byte, as some HSM-backed keys come. */
  leadingZero?: boolean;
}

export interface StoredVersion {
  name: string;
  version: string;
  kty: string;
  /** Public JWK members on the wire (base64url), without kid and key_ops. */
  jwk: Record<string, string>;
  keyOps: string[];
  enabled: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  created: number;
  /** Present when the fake can sign with it. */
  spec?: KeySpec;
  /** The DER SubjectPublicKeyInfo Node writes for the key, to compare conversions against. */
  spki?: Buffer;
}

/** Key Vault's algorithm names and what each means in Signet's registry. */
export const VAULT_ALGORITHMS: Readonly<Record<string, SignatureAlgorithmId>> = {
  RS256: 'rsa-pkcs1-sha256',
  RS384: 'rsa-pkcs1-sha384',
  RS512: 'rsa-pkcs1-sha512',
  PS256: 'rsa-pss-sha256',
  PS384: 'rsa-pss-sha384',
  PS512: 'rsa-pss-sha512',
  ES256: 'ecdsa-p256-sha256',
  ES384: 'ecdsa-p384-sha384',
  ES512: 'ecdsa-p521-sha512',
};

export class FakeKeyStore {
  private readonly keys = new Map<string, StoredVersion[]>();
  private clock = Math.floor(Date.now() / 1000);

  private constructor(
    private readonly engine: SoftKeyProvider,
    private readonly dir: string,
  ) {}

  static async open(): Promise<FakeKeyStore> {
    const dir = await mkdtemp(join(tmpdir(), 'signet-fake-vault-'));
    const engine = await createSoftKeyProvider({ directory: dir, secret: { masterKey: randomBytes(32) } });
    return new FakeKeyStore(engine, dir);
  }

  async close(): Promise<void> {
    await this.engine.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Creates a key, or a new version of an existing one (Key Vault's rule). */
  async create(name: string, kind: FakeKeyKind, options: CreateOptions = {}): Promise<StoredVersion> {
    const version = randomBytes(16).toString('hex');
    const hsm = options.hsm ? '-HSM' : '';
    const stored: StoredVersion = {
      name: this.versions(name)[0]?.name ?? name,
      version,
      kty: '',
      jwk: {},
      keyOps: options.keyOps ?? (kind.startsWith('ec') ? ['sign', 'verify'] : ['sign', 'verify', 'encrypt', 'decrypt']),
      enabled: options.enabled ?? true,
      ...(options.notBefore ? { notBefore: options.notBefore } : {}),
      ...(options.expiresOn ? { expiresOn: options.expiresOn } : {}),
      // Distinct creation times, so "newest first" is well defined.
      created: ++this.clock,
    };
    if (kind === 'oct') {
      stored.kty = `oct${hsm}`;
    } else if (kind === 'ec-p256k') {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
      const { x, y } = publicKey.export({ format: 'jwk' });
      Object.assign(stored, { kty: `EC${hsm}`, jwk: { crv: 'P-256K', x: x!, y: y! } });
    } else {
      const info = await this.engine.generateKey({ name: version, spec: kind });
      const spki = Buffer.from(info.publicKey);
      const jwk = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
      if (jwk.kty === 'RSA') {
        const n = options.leadingZero ? Buffer.concat([Buffer.alloc(1), Buffer.from(jwk.n!, 'base64url')]) : null;
        stored.jwk = { n: n ? n.toString('base64url') : jwk.n!, e: jwk.e! };
      } else {
        stored.jwk = { crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
      }
      Object.assign(stored, { kty: `${jwk.kty}${hsm}`, spec: kind, spki });
    }
    const versions = this.keys.get(name.toLowerCase()) ?? [];
    versions.unshift(stored);
    this.keys.set(name.toLowerCase(), versions);
    return stored;
  }

  /** Versions of a key, newest first; Key Vault names are case-insensitive. */
  versions(name: string): StoredVersion[] {
    return this.keys.get(name.toLowerCase()) ?? [];
  }

  find(name: string, version: string): StoredVersion | undefined {
    const versions = this.versions(name);
    return version === '' ? versions[0] : versions.find((v) => v.version === version.toLowerCase());
  }

  /** The current version of every key, by name. */
  current(): StoredVersion[] {
    return [...this.keys.values()].map((v) => v[0]!).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Signs a digest already checked against the key; ECDSA comes back raw r || s. */
  async sign(key: StoredVersion, vaultAlgorithm: string, digest: Uint8Array): Promise<Buffer> {
    const algorithm = getAlgorithm(VAULT_ALGORITHMS[vaultAlgorithm]!);
    const signature = await this.engine.sign({ key: `soft://${key.version}`, algorithm: algorithm.id, digest });
    return Buffer.from(algorithm.curve ? ecdsaDerToRaw(signature, algorithm.curve) : signature);
  }
}
