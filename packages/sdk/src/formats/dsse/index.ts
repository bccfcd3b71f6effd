/**
 * `@signet/sdk/formats/dsse`: in-toto Statement v1 attestations in DSSE envelopes, packaged as
 * Sigstore bundles v0.3 with public-key verification material. Only the digest of DSSE's PAE
 * reaches the signer; subjects' digests are computed by the caller (e.g. `digestFile`).
 *
 * `@sigstore/verify` 3.1.1 accepts these bundles given the public key for P-256 and RSA PKCS#1
 * v1.5 SHA-256 keys: it verifies with Node's default digest (SHA-256) and the key's default
 * padding, so P-384/P-521 (SHA-384/512) and RSA-PSS signatures, though valid DSSE, are refused by
 * it. {@link verifySigstoreBundle} checks all of them.
 *
 * @example
 * ```ts
 * const signer = await createSigner(provider, 'soft://release');
 * const statement = createInTotoStatement({
 *   subjects: [{ name: 'app.tgz', digest: { sha256: hex } }],
 *   predicateType: 'https://slsa.dev/provenance/v1',
 *   predicate,
 * });
 * const envelope = await signInTotoStatement(signer, statement);
 * const bundle = toSigstoreBundle(envelope, { publicKey: signer.key.publicKey });
 * ```
 *
 * @packageDocumentation
 */
export { preAuthEncoding } from './pae.js';
export {
  createInTotoStatement,
  parseInTotoStatement,
  IN_TOTO_STATEMENT_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
} from './statement.js';
export type { InTotoStatement, InTotoSubject, InTotoStatementInput } from './statement.js';
export { parseDsseEnvelope } from './envelope.js';
export type { DsseEnvelope, DsseSignature, ParsedDsseEnvelope } from './envelope.js';
export { signDsse, signInTotoStatement } from './sign.js';
export type { DsseSignOptions } from './sign.js';
export { toSigstoreBundle, parseSigstoreBundle, publicKeyHint, SIGSTORE_BUNDLE_V03 } from './bundle.js';
export type { SigstoreBundle, SigstoreBundleOptions, ParsedSigstoreBundle } from './bundle.js';
export { verifyDsse, verifySigstoreBundle } from './verify.js';
export type { DsseVerifyOptions, VerifiedSigstoreBundle } from './verify.js';
