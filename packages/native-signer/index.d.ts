/**
 * Optional native accelerator for Signet: signs a precomputed digest with the OpenSSL that Node
 * itself ships, for ECDSA, RSA PKCS#1 v1.5 and RSA-PSS. Check {@link available} first; when it is
 * false, use a portable route.
 *
 * @example
 * ```ts
 * import { createHash, generateKeyPairSync } from 'node:crypto';
 * import { available, loadPrivateKey } from '@signet/native-signer';
 *
 * if (available) {
 *   const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
 *   const key = loadPrivateKey(privateKey.export({ type: 'pkcs8', format: 'der' }));
 *   const digest = createHash('sha256').update('hello').digest();
 *   const der = await key.signAsync('ecdsa', 'sha256', digest); // X9.62 Ecdsa-Sig-Value
 * }
 * ```
 *
 * @packageDocumentation
 */

/**
 * How the digest is signed.
 * - `pkcs1`: RSASSA-PKCS1-v1_5 (OpenSSL builds the DigestInfo for `hash`); RSA keys only.
 * - `pss`: RSASSA-PSS with MGF1(`hash`) and a salt as long as the digest; RSA keys only.
 * - `ecdsa`: ECDSA, DER-encoded signature; EC keys (P-256, P-384, P-521) only.
 */
export type PrehashScheme = 'pkcs1' | 'pss' | 'ecdsa';

/** The hash that produced the digest: fixes the digest length (32, 48 or 64 bytes). */
export type PrehashHash = 'sha256' | 'sha384' | 'sha512';

/**
 * The `code` of every error this package throws or rejects with.
 * - `DIGEST_LENGTH_MISMATCH`: the digest is not as long as `hash` requires.
 * - `ALGORITHM_KEY_MISMATCH`: `pkcs1`/`pss` with an EC key, or `ecdsa` with an RSA key.
 * - `INVALID_KEY`: not PKCS#8 DER, or not an RSA key or an EC key on P-256, P-384 or P-521.
 * - `SIGN_FAILED`: OpenSSL refused to sign (the message carries OpenSSL's reason), e.g. an RSA
 *   key too small for PSS with SHA-512.
 * - `UNSUPPORTED_ALGORITHM`: `scheme` or `hash` is not one of the names above.
 * - `INVALID_ARGUMENT`: a digest or key that is not a `Uint8Array`, or a foreign key handle.
 * - `UNAVAILABLE`: {@link loadPrivateKey} was called although {@link available} is false.
 * - `INTERNAL`: out of memory.
 */
export type NativeSignerErrorCode =
  | 'DIGEST_LENGTH_MISMATCH'
  | 'ALGORITHM_KEY_MISMATCH'
  | 'INVALID_KEY'
  | 'SIGN_FAILED'
  | 'UNSUPPORTED_ALGORITHM'
  | 'INVALID_ARGUMENT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/**
 * A private key held by OpenSSL in native memory. The key cannot be read back; it is freed when
 * this object is garbage-collected.
 */
export interface NativePrivateKey {
  /**
   * Signs a precomputed digest synchronously, on the calling thread. ECDSA signatures are DER
   * (X9.62 Ecdsa-Sig-Value). P-256 takes ~20 µs, RSA-3072 ~2 ms: keep RSA off the event loop
   * with {@link NativePrivateKey.signAsync}.
   *
   * @param scheme - how to sign; must fit the key type
   * @param hash - the hash that produced `digest`
   * @param digest - exactly as many bytes as `hash` produces
   * @returns the signature
   * @throws Error with a `code` from {@link NativeSignerErrorCode}
   *
   * @example
   * ```ts
   * const sig = key.sign('pss', 'sha384', createHash('sha384').update(data).digest());
   * ```
   */
  sign(scheme: PrehashScheme, hash: PrehashHash, digest: Uint8Array): Buffer;

  /**
   * Same as {@link NativePrivateKey.sign}, on libuv's thread pool (`napi_async_work`), so the
   * event loop stays free. The digest is copied before this returns, and the key stays alive
   * until the signature is done. Size the pool with `UV_THREADPOOL_SIZE` (default 4).
   *
   * @returns a promise of the signature; it rejects with an Error with a `code` from
   * {@link NativeSignerErrorCode}, also for invalid arguments
   *
   * @example
   * ```ts
   * const sig = await key.signAsync('pkcs1', 'sha256', digest);
   * ```
   */
  signAsync(scheme: PrehashScheme, hash: PrehashHash, digest: Uint8Array): Promise<Buffer>;
}

/**
 * Whether the native addon loaded. False when it was not built at install time (no C compiler:
 * the install script warns and carries on) or when this Node does not export OpenSSL to addons.
 * Importing this package never throws.
 */
export declare const available: boolean;

/** Why the addon did not load, when {@link available} is false; undefined otherwise. */
export declare const loadError: Error | undefined;

/**
 * Parses a PKCS#8 DER private key (RSA, or EC on P-256/P-384/P-521) into an opaque native handle.
 * The bytes are parsed in place and not kept: the caller may wipe `pkcs8Der` right after.
 *
 * @param pkcs8Der - a PKCS#8 `PrivateKeyInfo`, unencrypted, DER, nothing after it
 * @throws Error with code `INVALID_KEY` for anything else, `UNAVAILABLE` when {@link available}
 * is false
 *
 * @example
 * ```ts
 * const key = loadPrivateKey(keyObject.export({ type: 'pkcs8', format: 'der' }));
 * ```
 */
export declare function loadPrivateKey(pkcs8Der: Uint8Array): NativePrivateKey;
