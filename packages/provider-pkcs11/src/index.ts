/**
 * `@signet/provider-pkcs11`: a Signet key provider for PKCS#11 tokens and HSMs (through
 * graphene-pk11), keys named by RFC 7512 `pkcs11:` URIs.
 *
 * @packageDocumentation
 */
export { createPkcs11Provider } from './provider.js';
export type { Pkcs11Provider } from './provider.js';
export { parsePkcs11Options, DEFAULT_PIN_ENV } from './options.js';
export type { Pkcs11ProviderOptions } from './options.js';
export { parsePkcs11Uri, formatPkcs11Uri, canonicalPkcs11Uri } from './uri.js';
export type { Pkcs11Uri, Pkcs11ObjectType } from './uri.js';
export type { TokenIdentity } from './token-identity.js';
export { signetProvider } from './signet-provider.js';
