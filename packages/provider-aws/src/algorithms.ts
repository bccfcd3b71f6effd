import { algorithmsForKeySpec, type KeySpec, type SignatureAlgorithmId } from '@signet/sdk';
import type { KeySpec as KmsKeySpec, SigningAlgorithmSpec } from '@aws-sdk/client-kms';

/*
 * KMS names for our key specs and algorithms. They line up one to one: KMS RSASSA-PSS uses MGF1
 * with the message hash and a salt as long as the digest, as Signet's PSS does, and KMS returns
 * ECDSA signatures DER-encoded, as KeyProvider.sign must. Keys KMS has and we do not (secp256k1,
 * SM2, Ed25519, ML-DSA, symmetric, HMAC) are left out of listings and refused by getKey.
 */

const KEY_SPECS: Readonly<Record<KeySpec, KmsKeySpec>> = {
  'rsa-2048': 'RSA_2048',
  'rsa-3072': 'RSA_3072',
  'rsa-4096': 'RSA_4096',
  'ec-p256': 'ECC_NIST_P256',
  'ec-p384': 'ECC_NIST_P384',
  'ec-p521': 'ECC_NIST_P521',
};

const SIGNING_ALGORITHMS: Readonly<Record<SignatureAlgorithmId, SigningAlgorithmSpec>> = {
  'rsa-pkcs1-sha256': 'RSASSA_PKCS1_V1_5_SHA_256',
  'rsa-pkcs1-sha384': 'RSASSA_PKCS1_V1_5_SHA_384',
  'rsa-pkcs1-sha512': 'RSASSA_PKCS1_V1_5_SHA_512',
  'rsa-pss-sha256': 'RSASSA_PSS_SHA_256',
  'rsa-pss-sha384': 'RSASSA_PSS_SHA_384',
  'rsa-pss-sha512': 'RSASSA_PSS_SHA_512',
  'ecdsa-p256-sha256': 'ECDSA_SHA_256',
  'ecdsa-p384-sha384': 'ECDSA_SHA_384',
  'ecdsa-p521-sha512': 'ECDSA_SHA_512',
};

const SPEC_BY_KMS = new Map<string, KeySpec>(Object.entries(KEY_SPECS).map(([ours, kms]) => [kms, ours as KeySpec]));

/** The KMS `KeySpec` for one of ours. */
export function toKmsKeySpec(spec: KeySpec): KmsKeySpec {
  return KEY_SPECS[spec];
}

/** Our key spec for a KMS `KeySpec`, or undefined when Signet cannot use such keys. */
export function fromKmsKeySpec(spec: string | undefined): KeySpec | undefined {
  return spec === undefined ? undefined : SPEC_BY_KMS.get(spec);
}

/** The KMS `SigningAlgorithm` for one of ours. */
export function toKmsSigningAlgorithm(id: SignatureAlgorithmId): SigningAlgorithmSpec {
  return SIGNING_ALGORITHMS[id];
}

/**
 * The algorithms a key signs with: those KMS reports for it (all of its spec when it reports
 * none), in the SDK's order, so the first is Signet's default for that spec.
 */
export function algorithmsForKmsKey(
  spec: KeySpec,
  kmsAlgorithms: readonly string[] | undefined,
): SignatureAlgorithmId[] {
  const ours = algorithmsForKeySpec(spec).map((a) => a.id);
  if (!kmsAlgorithms?.length) return ours;
  return ours.filter((id) => kmsAlgorithms.includes(SIGNING_ALGORITHMS[id]));
}
