/**
 * `@signet/sdk/formats/pgp`: OpenPGP v4 public keys and detached signatures (`.asc`) made through
 * any {@link Signer}, which `gpg --verify` and `sq verify` check. Files are hashed here; only the
 * final digest reaches the signer. RSA keys sign with PKCS#1 v1.5 (OpenPGP v4 has no PSS), EC keys
 * with ECDSA on NIST P-256, P-384 or P-521.
 *
 * @example
 * ```ts
 * const key = await provider.getKey('soft://release');
 * const signer = await createSigner(provider, key.uri, { algorithm: pgpAlgorithmFor(key) });
 * const { armored } = await exportPgpPublicKey(signer, { userId: 'Release <release@example.com>' });
 * const asc = await signPgpDetached(signer, { path: 'app.tgz' });
 * ```
 *
 * @packageDocumentation
 */
export { exportPgpPublicKey } from './export-key.js';
export type { PgpExportOptions, PgpPublicKey } from './export-key.js';
export { signPgpDetached, createPgpHash, signPgpHash } from './sign-detached.js';
export type { PgpSignOptions, PgpSignFileOptions, PgpHash } from './sign-detached.js';
export type { PgpSignInput, PgpSignProgress } from './read-input.js';
export { pgpAlgorithmFor } from './algorithm.js';
export { pgpKeyCreationTime } from './public-key.js';
export { armorPgp, dearmorPgp, crc24 } from './armor.js';
export type { PgpArmorType, DearmoredPgp } from './armor.js';
export { readPgpSignature } from './read-signature.js';
export type { PgpSignatureInfo } from './read-signature.js';
export type { Subpacket as PgpSubpacket } from './subpackets.js';
