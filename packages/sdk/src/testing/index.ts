/**
 * `@signet/sdk/testing`: what a provider author needs to prove a `KeyProvider` right, the
 * same checks Signet's own providers pass.
 *
 * @packageDocumentation
 */
export { providerConformance } from './conformance.js';
export type { ConformanceCase, ProviderConformanceOptions } from './conformance.js';
export { opensslVerifiesCms, opensslVerifiesDigest } from './openssl-verify.js';
