import type { HashAlgorithm, KeySpec, SignatureAlgorithmId } from '@signet/sdk';

/** What one Cloud KMS `CryptoKeyVersionAlgorithm` is in Signet's terms. */
export interface KmsAlgorithm {
  /** The Cloud KMS enum name, e.g. `EC_SIGN_P256_SHA256`. */
  readonly kms: string;
  /** Its number on the wire (the client asks for `enum-encoding=int`). */
  readonly number: number;
  readonly spec: KeySpec;
  /** A Cloud KMS key version signs with exactly one algorithm. */
  readonly algorithm: SignatureAlgorithmId;
  /** The `Digest` field the request carries. */
  readonly hash: HashAlgorithm;
}

function entry(kms: string, number: number, spec: KeySpec, algorithm: SignatureAlgorithmId): KmsAlgorithm {
  return Object.freeze({ kms, number, spec, algorithm, hash: algorithm.slice(-6) as HashAlgorithm });
}

/*
 * The digest-signing algorithms of Cloud KMS. PSS uses a salt as long as the digest, like ours.
 * Not here, so not offered: RSA_SIGN_RAW_PKCS1_* (they sign data, not a digest), secp256k1,
 * Ed25519 and the post-quantum ones (no Signet algorithm for them yet).
 */
const TABLE: readonly KmsAlgorithm[] = [
  entry('EC_SIGN_P256_SHA256', 12, 'ec-p256', 'ecdsa-p256-sha256'),
  entry('EC_SIGN_P384_SHA384', 13, 'ec-p384', 'ecdsa-p384-sha384'),
  entry('RSA_SIGN_PKCS1_2048_SHA256', 5, 'rsa-2048', 'rsa-pkcs1-sha256'),
  entry('RSA_SIGN_PKCS1_3072_SHA256', 6, 'rsa-3072', 'rsa-pkcs1-sha256'),
  entry('RSA_SIGN_PKCS1_4096_SHA256', 7, 'rsa-4096', 'rsa-pkcs1-sha256'),
  entry('RSA_SIGN_PKCS1_4096_SHA512', 16, 'rsa-4096', 'rsa-pkcs1-sha512'),
  entry('RSA_SIGN_PSS_2048_SHA256', 2, 'rsa-2048', 'rsa-pss-sha256'),
  entry('RSA_SIGN_PSS_3072_SHA256', 3, 'rsa-3072', 'rsa-pss-sha256'),
  entry('RSA_SIGN_PSS_4096_SHA256', 4, 'rsa-4096', 'rsa-pss-sha256'),
  entry('RSA_SIGN_PSS_4096_SHA512', 15, 'rsa-4096', 'rsa-pss-sha512'),
];

const BY_KEY = new Map<string | number, KmsAlgorithm>(
  TABLE.flatMap((a) => [[a.kms, a] as const, [a.number, a] as const]),
);

/** The algorithm of a key version, from its enum name or number; undefined when Signet cannot use it. */
export function kmsAlgorithm(value: unknown): KmsAlgorithm | undefined {
  return typeof value === 'string' || typeof value === 'number' ? BY_KEY.get(value) : undefined;
}

/** Every Cloud KMS algorithm this provider signs with. */
export function kmsAlgorithms(): readonly KmsAlgorithm[] {
  return TABLE;
}
