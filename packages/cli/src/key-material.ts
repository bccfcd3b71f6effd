import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { SignetError, type SignatureAlgorithmId } from '@signet/sdk';
import { certificatesFrom, describeCertificate, toPem } from '@signet/sdk/x509';

/** Public key material named on the command line (`--public-key`, `--cert`). */
export interface PublicKeyMaterial {
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** The algorithm a raw signature is checked with when `--algorithm` is not given. */
  readonly defaultAlgorithm: SignatureAlgorithmId;
}

const CURVE_ALGORITHMS: Readonly<Record<string, SignatureAlgorithmId>> = {
  prime256v1: 'ecdsa-p256-sha256',
  secp384r1: 'ecdsa-p384-sha384',
  secp521r1: 'ecdsa-p521-sha512',
};

/**
 * Reads a public key: PEM (`PUBLIC KEY`, `RSA PUBLIC KEY`, or a certificate) or DER SPKI.
 *
 * @throws SignetError `INVALID_FORMAT` when it is none of those, `UNSUPPORTED_ALGORITHM` for a key
 * type Signet does not verify.
 */
export function readPublicKey(bytes: Uint8Array, name: string): PublicKeyMaterial {
  let key: KeyObject;
  try {
    const text = Buffer.from(bytes).toString('latin1');
    key = text.includes('-----BEGIN ')
      ? createPublicKey({ key: text, format: 'pem' })
      : createPublicKey({ key: Buffer.from(bytes), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new SignetError('INVALID_FORMAT', `${name} is not a public key (PEM or DER SubjectPublicKeyInfo)`, { cause });
  }
  return fromKeyObject(key, name);
}

/** Reads a certificate chain (PEM or DER) and the public key of its first certificate. */
export function readCertificateKey(
  bytes: Uint8Array,
  name: string,
): PublicKeyMaterial & { certificates: Uint8Array[]; subject: string } {
  const certificates = certificatesFrom(bytes);
  const { publicKey, subject } = describeCertificate(certificates[0]!);
  const key = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
  return { ...fromKeyObject(key, name), certificates, subject };
}

function fromKeyObject(key: KeyObject, name: string): PublicKeyMaterial {
  const spki = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
  if (key.asymmetricKeyType === 'rsa') return { spki, defaultAlgorithm: 'rsa-pkcs1-sha256' };
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  const algorithm = curve ? CURVE_ALGORITHMS[curve] : undefined;
  if (!algorithm) {
    throw new SignetError(
      'UNSUPPORTED_ALGORITHM',
      `${name} holds a ${curve ?? key.asymmetricKeyType} key, which Signet does not verify`,
    );
  }
  return { spki, defaultAlgorithm: algorithm };
}

/** A DER SPKI as PEM text, the form `openssl` reads. */
export function publicKeyPem(spki: Uint8Array): string {
  return toPem('PUBLIC KEY', spki);
}

/** `SHA256:<base64>` of a DER SPKI, like `ssh-keygen -l`. */
export function keyFingerprint(spki: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(spki).digest('base64').replace(/=+$/, '')}`;
}
