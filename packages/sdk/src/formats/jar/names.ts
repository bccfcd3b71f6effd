import { SignetError } from '../../errors/errors.js';
import type { Signer } from '../../provider/signer.js';

/** Where Java looks for the manifest (and, case-insensitively, for its variants). */
export const MANIFEST_NAME = 'META-INF/MANIFEST.MF';
const META_INF = 'META-INF/';
const SIGNER_NAME = /^[A-Z0-9_-]{1,8}$/;

/** Block file extensions Java reads (`SignatureFileVerifier.isBlockOrSF`). */
export function isBlockOrSignatureFile(upperName: string): boolean {
  return /\.(SF|DSA|RSA|EC)$/.test(upperName);
}

/**
 * Whether an entry belongs to the signature machinery and is therefore not itself signed: right in
 * META-INF, the manifest, a `.SF` or block file, or a `SIG-*` file with an optional 1-3 character
 * alphanumeric extension (JAR specification, "Signed JAR File").
 */
export function isSigningRelated(name: string): boolean {
  const upper = name.toUpperCase();
  if (!upper.startsWith(META_INF)) return false;
  const file = upper.slice(META_INF.length);
  if (file.includes('/')) return false;
  if (file === 'MANIFEST.MF' || isBlockOrSignatureFile(file)) return true;
  return /^SIG-(?:[^.]*|.*\.[A-Z0-9]{1,3})$/.test(file);
}

/** Whether Java treats the entry as a directory: its name ends with a slash. */
export function isDirectory(name: string): boolean {
  return name.endsWith('/');
}

/** The block file's extension for a key: `RSA` for RSA (PKCS#1 and PSS alike), `EC` for ECDSA. */
export function blockExtension(signer: Signer): 'RSA' | 'EC' {
  return signer.algorithm.keyType === 'rsa' ? 'RSA' : 'EC';
}

/**
 * The signer name of the `.SF` and block files: the given one uppercased, or jarsigner's rule
 * applied to the key name (uppercase, other characters than `A-Z0-9_-` become `_`, 8 at most).
 *
 * @throws SignetError `INVALID_ARGUMENT` for a given name outside `[A-Za-z0-9_-]{1,8}`.
 */
export function signerName(signer: Signer, name?: string): string {
  if (name !== undefined) {
    const upper = name.toUpperCase();
    if (!SIGNER_NAME.test(upper)) {
      throw new SignetError('INVALID_ARGUMENT', 'A JAR signer name is 1 to 8 characters of A-Z, 0-9, _ and -', {
        details: { name },
      });
    }
    return upper;
  }
  const derived = signer.key.name
    .toUpperCase()
    .replace(/[^A-Z0-9_-]/g, '_')
    .slice(0, 8);
  return derived.length > 0 ? derived : 'SIGNET';
}
