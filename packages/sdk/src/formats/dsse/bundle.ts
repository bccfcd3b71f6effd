import { createHash } from 'node:crypto';
import { SignetError } from '../../errors/errors.js';
import { parseDsseEnvelope, parseJson, type DsseEnvelope, type ParsedDsseEnvelope } from './envelope.js';

/** The media type of a Sigstore bundle v0.3. */
export const SIGSTORE_BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/**
 * A Sigstore bundle v0.3 (protobuf-specs JSON form) carrying a DSSE envelope and a public-key
 * hint: no certificate, no transparency-log entry, no timestamp. A verifier is told the key.
 */
export interface SigstoreBundle {
  mediaType: typeof SIGSTORE_BUNDLE_V03;
  verificationMaterial: {
    publicKey: { hint: string };
    tlogEntries: [];
    timestampVerificationData: { rfc3161Timestamps: [] };
  };
  dsseEnvelope: DsseEnvelope;
}

export interface SigstoreBundleOptions {
  /** The public key's hint: how a verifier finds the key. Default: {@link publicKeyHint} of `publicKey`. */
  hint?: string;
  /** The signing key as DER SubjectPublicKeyInfo, to derive the hint from. */
  publicKey?: Uint8Array;
}

/** The default key hint: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. */
export function publicKeyHint(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex');
}

/**
 * Packages a signed envelope as a Sigstore bundle v0.3 with public-key verification material,
 * which `@sigstore/verify` accepts given the key (see the DSSE format's README for the options).
 *
 * @throws SignetError `INVALID_ARGUMENT` (no hint nor key; not exactly one signature, which the
 * bundle format requires)
 */
export function toSigstoreBundle(envelope: DsseEnvelope, options: SigstoreBundleOptions): SigstoreBundle {
  const hint = options.hint ?? (options.publicKey ? publicKeyHint(options.publicKey) : undefined);
  if (hint === undefined) throw new SignetError('INVALID_ARGUMENT', 'A Sigstore bundle needs a key hint or public key');
  if (envelope.signatures.length !== 1) {
    throw new SignetError('INVALID_ARGUMENT', 'A Sigstore bundle carries exactly one DSSE signature');
  }
  return {
    mediaType: SIGSTORE_BUNDLE_V03,
    verificationMaterial: {
      publicKey: { hint },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: envelope,
  };
}

/** A public-key DSSE bundle, checked and decoded. */
export interface ParsedSigstoreBundle {
  mediaType: string;
  hint: string;
  envelope: ParsedDsseEnvelope;
}

const MEDIA_TYPES = [
  /^application\/vnd\.dev\.sigstore\.bundle\.v0\.[1-3]\+json$/,
  /^application\/vnd\.dev\.sigstore\.bundle\+json;version=0\.[1-3]$/,
];

/**
 * Reads a Sigstore bundle holding a DSSE envelope and a public-key hint (what
 * {@link toSigstoreBundle} writes). Certificates and log entries are not checked here.
 *
 * @throws SignetError `INVALID_FORMAT`
 */
export function parseSigstoreBundle(input: unknown): ParsedSigstoreBundle {
  const value = typeof input === 'string' ? parseJson(input, 'Sigstore bundle') : input;
  if (!isObject(value)) throw invalid('not an object');
  const { mediaType, verificationMaterial, dsseEnvelope } = value;
  if (typeof mediaType !== 'string' || !MEDIA_TYPES.some((m) => m.test(mediaType))) throw invalid('unknown mediaType');
  if (!isObject(verificationMaterial)) throw invalid('no verificationMaterial');
  const { publicKey } = verificationMaterial;
  if (!isObject(publicKey) || typeof publicKey.hint !== 'string') {
    throw invalid('verificationMaterial holds no publicKey hint (only public-key bundles are read)');
  }
  if (dsseEnvelope === undefined) throw invalid('no dsseEnvelope');
  const envelope = parseDsseEnvelope(dsseEnvelope);
  if (envelope.signatures.length !== 1) throw invalid('the DSSE envelope must hold exactly one signature');
  return { mediaType, hint: publicKey.hint, envelope };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(problem: string): SignetError {
  return new SignetError('INVALID_FORMAT', `Invalid Sigstore bundle: ${problem}`);
}
