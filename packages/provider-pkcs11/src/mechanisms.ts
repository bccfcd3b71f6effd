import { digestInfo, ecdsaRawToDer, type HashAlgorithm, type SignatureAlgorithm } from '@signet/sdk';
import type { MechanismType } from 'graphene-pk11';

// CKM_* and CKG_* values (pkcs11t.h). Numbers rather than graphene's enums so that this file
// does not load the native module.
const CKM_RSA_PKCS = 0x0001;
const CKM_RSA_PKCS_PSS = 0x000d;
const CKM_ECDSA = 0x1041;
const CKM_SHA256 = 0x0250;
const CKM_SHA384 = 0x0260;
const CKM_SHA512 = 0x0270;
const CKG_MGF1_SHA256 = 2;
const CKG_MGF1_SHA384 = 3;
const CKG_MGF1_SHA512 = 4;
/** graphene's MechParams.RsaPSS (pkcs11js CK_PARAMS_RSA_PSS): marshal a CK_RSA_PKCS_PSS_PARAMS. */
const RSA_PSS_PARAMS_TYPE = 5;

const PSS_HASH: Readonly<Record<HashAlgorithm, { hashAlg: number; mgf: number }>> = {
  sha256: { hashAlg: CKM_SHA256, mgf: CKG_MGF1_SHA256 },
  sha384: { hashAlg: CKM_SHA384, mgf: CKG_MGF1_SHA384 },
  sha512: { hashAlg: CKM_SHA512, mgf: CKG_MGF1_SHA512 },
};

/** How one signature algorithm runs as a single C_Sign over a precomputed digest. */
export interface SignRecipe {
  readonly mechanism: MechanismType;
  /** The bytes C_Sign signs. */
  readonly input: Buffer;
  /** Turns C_Sign's output into Signet's encoding (DER for ECDSA). */
  readonly output: (signature: Buffer) => Uint8Array;
}

const asIs = (signature: Buffer): Uint8Array => new Uint8Array(signature);

/**
 * The raw mechanisms, which every token has, rather than the hash-and-sign ones
 * (`CKM_SHA256_RSA_PKCS`, `CKM_ECDSA_SHA256`), which many lack (SoftHSM2 has no `CKM_ECDSA_SHA*`)
 * and which would need the message, not its digest:
 * - RSA PKCS#1 v1.5: `CKM_RSA_PKCS` over DigestInfo ‖ digest;
 * - RSA-PSS: `CKM_RSA_PKCS_PSS` over the digest, MGF1 with the same hash, salt as long as the digest;
 * - ECDSA: `CKM_ECDSA` over the digest, whose raw r ‖ s becomes DER.
 */
export function signRecipe(algorithm: SignatureAlgorithm, digest: Uint8Array): SignRecipe {
  switch (algorithm.scheme) {
    case 'pkcs1':
      return {
        mechanism: { name: CKM_RSA_PKCS, params: null },
        input: digestInfo(algorithm.hash, digest),
        output: asIs,
      };
    case 'pss': {
      const { hashAlg, mgf } = PSS_HASH[algorithm.hash];
      const params = {
        type: RSA_PSS_PARAMS_TYPE,
        toCKI: () => ({ hashAlg, mgf, saltLen: algorithm.digestLength, type: RSA_PSS_PARAMS_TYPE }),
      };
      return { mechanism: { name: CKM_RSA_PKCS_PSS, params }, input: Buffer.from(digest), output: asIs };
    }
    case 'ecdsa': {
      const curve = algorithm.curve!;
      return {
        mechanism: { name: CKM_ECDSA, params: null },
        input: Buffer.from(digest),
        output: (signature) => ecdsaRawToDer(signature, curve),
      };
    }
  }
}
