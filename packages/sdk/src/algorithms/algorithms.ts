import { SignetError } from '../errors/errors.js';

/** Hash functions a signature algorithm can use. Names match `node:crypto`. */
export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** Elliptic curves, by their NIST names. */
export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

/** What a key is, independent of how it signs. */
export type KeySpec = 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ec-p256' | 'ec-p384' | 'ec-p521';

/** The signature algorithms Signet signs and verifies. */
export type SignatureAlgorithmId =
  | 'rsa-pkcs1-sha256'
  | 'rsa-pkcs1-sha384'
  | 'rsa-pkcs1-sha512'
  | 'rsa-pss-sha256'
  | 'rsa-pss-sha384'
  | 'rsa-pss-sha512'
  | 'ecdsa-p256-sha256'
  | 'ecdsa-p384-sha384'
  | 'ecdsa-p521-sha512';

/** Everything a format, a provider or a verifier needs to know about one algorithm. */
export interface SignatureAlgorithm {
  readonly id: SignatureAlgorithmId;
  /** How the digest becomes a signature. */
  readonly scheme: 'pkcs1' | 'pss' | 'ecdsa';
  readonly hash: HashAlgorithm;
  /** Length in bytes of the digest this algorithm signs. */
  readonly digestLength: 32 | 48 | 64;
  readonly keyType: 'rsa' | 'ec';
  /** ECDSA only: the one curve this algorithm uses. */
  readonly curve?: NamedCurve;
  /**
   * How signature bytes are encoded: `der` is an X9.62 Ecdsa-Sig-Value (what CMS, X.509, JAR and
   * Authenticode carry); RSA signatures are a big-endian integer the size of the modulus.
   */
  readonly encoding: 'der' | 'rsa';
  /** The JOSE name, where one exists (ECDSA names imply the curve). */
  readonly jose: string;
}

/** Hash facts: digest length and the DER DigestInfo prefix used by RSA PKCS#1 v1.5 (RFC 8017 §9.2). */
export const HASHES: Readonly<Record<HashAlgorithm, { length: 32 | 48 | 64; oid: string; digestInfoPrefix: string }>> =
  {
    sha256: { length: 32, oid: '2.16.840.1.101.3.4.2.1', digestInfoPrefix: '3031300d060960864801650304020105000420' },
    sha384: { length: 48, oid: '2.16.840.1.101.3.4.2.2', digestInfoPrefix: '3041300d060960864801650304020205000430' },
    sha512: { length: 64, oid: '2.16.840.1.101.3.4.2.3', digestInfoPrefix: '3051300d060960864801650304020305000440' },
  };

/** Curve facts: field/order size in bytes, which fixes the raw r||s width. */
export const CURVES: Readonly<Record<NamedCurve, { size: number; nodeName: string; oid: string }>> = {
  'P-256': { size: 32, nodeName: 'prime256v1', oid: '1.2.840.10045.3.1.7' },
  'P-384': { size: 48, nodeName: 'secp384r1', oid: '1.3.132.0.34' },
  'P-521': { size: 66, nodeName: 'secp521r1', oid: '1.3.132.0.35' },
};

function rsa(scheme: 'pkcs1' | 'pss', hash: HashAlgorithm): SignatureAlgorithm {
  const bits = hash.slice(3);
  return Object.freeze({
    id: `rsa-${scheme}-${hash}` as SignatureAlgorithmId,
    scheme,
    hash,
    digestLength: HASHES[hash].length,
    keyType: 'rsa',
    encoding: 'rsa',
    jose: `${scheme === 'pkcs1' ? 'RS' : 'PS'}${bits}`,
  });
}

function ecdsa(curve: NamedCurve, hash: HashAlgorithm): SignatureAlgorithm {
  return Object.freeze({
    id: `ecdsa-p${curve.slice(2)}-${hash}` as SignatureAlgorithmId,
    scheme: 'ecdsa',
    hash,
    digestLength: HASHES[hash].length,
    keyType: 'ec',
    curve,
    encoding: 'der',
    jose: `ES${hash.slice(3)}`,
  });
}

const ALL: readonly SignatureAlgorithm[] = [
  rsa('pkcs1', 'sha256'),
  rsa('pkcs1', 'sha384'),
  rsa('pkcs1', 'sha512'),
  rsa('pss', 'sha256'),
  rsa('pss', 'sha384'),
  rsa('pss', 'sha512'),
  ecdsa('P-256', 'sha256'),
  ecdsa('P-384', 'sha384'),
  ecdsa('P-521', 'sha512'),
];

const BY_ID: ReadonlyMap<string, SignatureAlgorithm> = new Map(ALL.map((a) => [a.id, a]));

/** Every supported algorithm, in a stable order. */
export function listAlgorithms(): readonly SignatureAlgorithm[] {
  return ALL;
}

/**
 * Looks an algorithm up by id.
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM` for an unknown id.
 * @example getAlgorithm('ecdsa-p256-sha256').digestLength // 32
 */
export function getAlgorithm(id: string): SignatureAlgorithm {
  const algorithm = BY_ID.get(id);
  if (!algorithm) {
    const shown = describeInput(id);
    throw new SignetError('UNSUPPORTED_ALGORITHM', `Unknown signature algorithm ${shown}`, {
      details: { algorithm: shown, supported: ALL.map((a) => a.id) },
    });
  }
  return algorithm;
}

/** The curve of an EC key spec, or undefined for RSA. */
export function curveOf(spec: KeySpec): NamedCurve | undefined {
  switch (spec) {
    case 'ec-p256':
      return 'P-256';
    case 'ec-p384':
      return 'P-384';
    case 'ec-p521':
      return 'P-521';
    default:
      return undefined;
  }
}

export const KEY_SPECS: readonly KeySpec[] = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384', 'ec-p521'];

/** Whether `spec` names a key type Signet supports. */
export function isKeySpec(spec: string): spec is KeySpec {
  return (KEY_SPECS as readonly string[]).includes(spec);
}

/** The algorithms a key of this spec can sign with; the first is its default. */
export function algorithmsForKeySpec(spec: KeySpec): SignatureAlgorithm[] {
  const curve = curveOf(spec);
  if (curve) return ALL.filter((a) => a.curve === curve);
  return ALL.filter((a) => a.keyType === 'rsa');
}

/**
 * Refuses a digest whose length does not fit the algorithm. Every signing path calls this before
 * a provider sees the digest.
 *
 * @throws SignetError `DIGEST_LENGTH_MISMATCH`
 */
export function assertDigestLength(algorithm: SignatureAlgorithm, digest: Uint8Array): void {
  if (!(digest instanceof Uint8Array) || digest.length !== algorithm.digestLength) {
    const got = digest instanceof Uint8Array ? digest.length : typeof digest;
    throw new SignetError(
      'DIGEST_LENGTH_MISMATCH',
      `${algorithm.id} signs a ${algorithm.digestLength}-byte ${algorithm.hash} digest, got ${got} bytes`,
      { details: { algorithm: algorithm.id, expected: algorithm.digestLength, actual: got } },
    );
  }
}

/**
 * Refuses an algorithm that the key cannot sign with (an ECDSA algorithm on an RSA key, or a
 * P-384 algorithm on a P-256 key).
 *
 * @throws SignetError `ALGORITHM_KEY_MISMATCH`
 */
export function assertAlgorithmFitsKey(algorithm: SignatureAlgorithm, spec: KeySpec): void {
  const fits = algorithm.keyType === 'rsa' ? spec.startsWith('rsa-') : curveOf(spec) === algorithm.curve;
  if (!fits) {
    throw new SignetError('ALGORITHM_KEY_MISMATCH', `A ${spec} key cannot sign with ${algorithm.id}`, {
      details: { algorithm: algorithm.id, keySpec: spec },
    });
  }
}

/** RSA PKCS#1 v1.5 DigestInfo ‖ digest: what an RSA PKCS#1 signature actually encrypts. */
export function digestInfo(hash: HashAlgorithm, digest: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(HASHES[hash].digestInfoPrefix, 'hex'), digest]);
}

/** Untrusted input, quoted for a message; never throws (an object without a prototype has no toString). */
export function describeInput(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? 'a function' : String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
