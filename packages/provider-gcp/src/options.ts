import type { KmsClient } from './kms-client.js';
import type { AccessTokenSource } from './static-token-auth.js';

/** Backoff for calls Cloud KMS may answer later (throttled, unavailable, corrupted on the way). */
export interface GcpKmsRetryOptions {
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  /** The first backoff in ms; each next one doubles, with full jitter. Default 100. */
  baseDelayMs?: number;
  /** The longest backoff in ms. Default 5000. */
  maxDelayMs?: number;
}

/** Options of {@link createGcpKmsProvider}. Every field is optional. */
export interface GcpKmsProviderOptions {
  /**
   * Key rings whose keys `listKeys` returns, as resource names `projects/P/locations/L/keyRings/R`.
   * `getKey` and `sign` take any key version URI, listed or not. Default none.
   */
  keyRings?: readonly string[];
  /**
   * Locations (`projects/P/locations/L`) whose every key ring `listKeys` walks, found with
   * ListKeyRings; needs `cloudkms.keyRings.list`. Default none.
   */
  locations?: readonly string[];
  /**
   * The Cloud KMS endpoint: a host (`cloudkms.googleapis.com`, a regional or private endpoint),
   * `host:port`, or `https://host[:port]`; `http://` for loopback only. Default
   * `cloudkms.googleapis.com`.
   */
  endpoint?: string;
  /**
   * An OAuth 2.0 access token, or a function returning a fresh one per request. Default: none, and
   * Application Default Credentials (google-auth-library) find the credentials.
   */
  accessToken?: AccessTokenSource;
  /** A service account key file for google-auth-library. Default: Application Default Credentials. */
  keyFilename?: string;
  /**
   * A `KeyManagementServiceClient` (REST transport) to use instead of creating one; the caller
   * keeps it, and `close()` leaves it open. Default: created on first use from the options above.
   */
  client?: KmsClient;
  /** Retries of throttled and unavailable calls. */
  retry?: GcpKmsRetryOptions;
  /** How long one attempt may take, in ms, before it is cancelled and retried. Default 60000. */
  timeoutMs?: number;
}
