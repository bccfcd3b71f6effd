/**
 * `@signet/sdk/formats/jar`: signed JARs that `jarsigner -verify` accepts, made from digests only.
 * The JAR is read and rewritten locally; the signer sees the digest of the `.SF` file's signed
 * attributes, nothing else.
 *
 * @packageDocumentation
 */
export { signJar } from './sign-jar.js';
export type { JarSignInput, JarSignOptions, JarSignProgress, JarSignResult } from './sign-jar.js';
export { verifyJar } from './verify-jar.js';
export type { JarVerifyOptions, JarVerification, JarSignature } from './verify-jar.js';
