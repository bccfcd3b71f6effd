/**
 * `@signet/provider-aws`: a Signet {@link KeyProvider} for asymmetric AWS KMS keys. Only digests
 * go to KMS; signatures come back in the form Signet's formats take.
 *
 * @packageDocumentation
 */
export { createAwsKmsProvider } from './provider.js';
export type { AwsKmsProvider } from './provider.js';
export type { AwsKmsProviderOptions, AwsKmsRetryOptions } from './options.js';
export type { KmsClientLike } from './kms-api.js';
export { signetProvider, parseAwsKmsOptions } from './module.js';
export { AWS_KMS_SCHEME, parseAwsKmsUri, formatAwsKmsUri } from './uri.js';
export type { AwsKmsKeyRef } from './uri.js';
