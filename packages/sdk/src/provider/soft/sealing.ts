import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt } from 'node:crypto';

/*
 * Encryption at rest for the software key store: AES-256-GCM under a key-encryption key (KEK).
 * The KEK comes from a passphrase through scrypt (memory-hard) or from a 32-byte master key
 * through HKDF-SHA256, always with the store's own salt.
 */

/** How the KEK was derived; stored in the key store header so a store stays readable. */
export type KdfParams =
  | { readonly name: 'scrypt'; readonly salt: string; readonly N: number; readonly r: number; readonly p: number }
  | { readonly name: 'hkdf-sha256'; readonly salt: string };

/** One AES-256-GCM ciphertext, base64 fields. */
export interface Sealed {
  readonly iv: string;
  readonly data: string;
  readonly tag: string;
}

/** The secret that unlocks a key store. */
export type KeyStoreSecret = { readonly passphrase: string } | { readonly masterKey: Uint8Array };

/** scrypt cost for new stores: 2^17 × 8 × 128 B = 128 MiB of memory, ~0.3 s here (OWASP's floor). */
export const DEFAULT_SCRYPT: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

/** scrypt parameters: CPU/memory cost N (a power of two), block size r, parallelism p. */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export function newKdfParams(secret: KeyStoreSecret, scryptCost: ScryptCost = DEFAULT_SCRYPT): KdfParams {
  const salt = randomBytes(16).toString('base64');
  return 'passphrase' in secret ? { name: 'scrypt', salt, ...scryptCost } : { name: 'hkdf-sha256', salt };
}

/** Derives the 32-byte KEK. Rejects (as a plain Error) when the secret does not fit the KDF. */
export async function deriveKek(secret: KeyStoreSecret, kdf: KdfParams): Promise<Buffer> {
  const salt = Buffer.from(kdf.salt, 'base64');
  if (kdf.name === 'scrypt') {
    if (!('passphrase' in secret)) throw new Error('this key store is protected by a passphrase');
    const { N, r, p } = kdf;
    return new Promise((resolve, reject) =>
      scrypt(secret.passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * N * r + (1 << 20) }, (err, key) =>
        err ? reject(err) : resolve(key),
      ),
    );
  }
  if (!('masterKey' in secret)) throw new Error('this key store is protected by a master key');
  if (secret.masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  return Buffer.from(hkdfSync('sha256', secret.masterKey, salt, 'signet keystore v1', 32));
}

export function seal(kek: Uint8Array, plaintext: Uint8Array, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** Decrypts and authenticates; returns undefined when the KEK, the AAD or the bytes are wrong. */
export function open(kek: Uint8Array, sealed: Sealed, aad: string): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(sealed.iv, 'base64'), {
      authTagLength: 16,
    });
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch {
    return undefined;
  }
}
