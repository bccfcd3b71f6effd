import type { HashAlgorithm } from '../algorithms/algorithms.js';
import type { CallOptions } from '../provider/provider.js';
import type { CertificateSummary } from '../x509/certificate.js';

/** How far a token's time may be from true UTC (RFC 3161 Accuracy): the parts add up. */
export interface TimestampAccuracy {
  readonly seconds?: number;
  /** 1–999. */
  readonly millis?: number;
  /** 1–999. */
  readonly micros?: number;
}

/** What a timestamp token says, once its signature, certificate and imprint have been checked. */
export interface TimestampInfo {
  /** When the TSA made the token (TSTInfo genTime). */
  readonly time: Date;
  readonly accuracy?: TimestampAccuracy;
  /** Unique per TSA; Signet's TSA makes them increase. */
  readonly serialNumber: bigint;
  /** The TSA policy the token was issued under (an OID). */
  readonly policy: string;
  /** The hash of the message imprint and the imprint itself. */
  readonly hash: HashAlgorithm;
  readonly imprint: Uint8Array;
  readonly nonce?: bigint;
  /** The certificate that signed the token. */
  readonly authority: CertificateSummary;
  /** Whether its chain reaches one of the trusted certificates given (never without them). */
  readonly trusted: boolean;
  /** That chain, TSA certificate first; empty when not trusted. */
  readonly chain: readonly CertificateSummary[];
}

/** A verified timestamp: the token (a DER CMS ContentInfo) and what it says. */
export interface Timestamp extends TimestampInfo {
  readonly token: Uint8Array;
  /** The URL of the TSA that answered, when a client asked one over HTTP. */
  readonly url?: string;
}

/** What to timestamp: bytes (hashed here), or a digest made with `hash`. */
export type TimestampInput = { data: Uint8Array; hash?: HashAlgorithm } | { digest: Uint8Array; hash: HashAlgorithm };

/**
 * Gets RFC 3161 timestamps from one or more timestamp authorities. Formats (CMS, JAR) take one to
 * timestamp their signatures; {@link createTimestampClient} asks TSAs over HTTP.
 */
export interface TimestampClient {
  /**
   * @throws SignetError `UNAVAILABLE` / `THROTTLED` (no TSA answered), `VERIFICATION_FAILED` (a
   * token that does not verify or does not match the request), `INVALID_FORMAT`, a refusal's code.
   */
  timestamp(input: TimestampInput, options?: CallOptions): Promise<Timestamp>;
}
