import type { KMSClientConfig } from '@aws-sdk/client-kms';
import type { KmsClientLike } from './kms-api.js';

/** Retries of `THROTTLED` and `UNAVAILABLE` failures, with exponential backoff and full jitter. */
export interface AwsKmsRetryOptions {
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  /** The first backoff, in ms; each next one doubles. Default 100. */
  baseDelayMs?: number;
  /** The longest backoff, in ms. Default 5000. */
  maxDelayMs?: number;
}

/** Options of {@link createAwsKmsProvider}. Every field is optional. */
export interface AwsKmsProviderOptions {
  /**
   * The region of keys named by key id or alias, and the one `listKeys` scans. Keys named by ARN
   * are used in the ARN's region. Default: the SDK's chain (`AWS_REGION`, the profile's region).
   */
  region?: string;
  /** A KMS endpoint URL (a VPC endpoint, a FIPS endpoint, a local fake). Default: the region's public one. */
  endpoint?: string;
  /**
   * Credentials, or a function that provides them. Default: the SDK's default chain (environment,
   * SSO, shared files, web identity, ECS and EC2 instance roles).
   */
  credentials?: KMSClientConfig['credentials'];
  /** A profile of the shared AWS config files. Default: `AWS_PROFILE`, else `default`. */
  profile?: string;
  /**
   * A KMS client to use instead of creating one; its own region, endpoint, credentials and
   * timeouts then apply. Give it `maxAttempts: 1`, or its retries multiply the provider's.
   */
  client?: KmsClientLike;
  /**
   * `listKeys` returns only keys carrying every one of these tags with exactly these values, and
   * `generateKey` puts them on the keys it creates. Default: no filter.
   */
  tags?: Readonly<Record<string, string>>;
  /**
   * Key URIs that `listKeys` describes, instead of scanning the account with ListKeys and
   * ListAliases (for principals that may use keys but not enumerate them). `tags` does not apply.
   */
  keys?: readonly string[];
  retry?: AwsKmsRetryOptions;
  /** Longest time one KMS request may take, in ms (a created client only). Default 10000. */
  requestTimeoutMs?: number;
  /** Longest time to open a connection, in ms (a created client only). Default 5000. */
  connectTimeoutMs?: number;
  /** KMS calls in flight at once while `listKeys` describes keys. Default 8. */
  listConcurrency?: number;
}
