/**
 * `@signet/sdk/timestamp`: RFC 3161 timestamps. A client that asks one or more timestamp
 * authorities over HTTP with failover, the checks a token must pass, and the TSA's side as a pure
 * function (`issueTimestamp`) for a server to wrap.
 *
 * @packageDocumentation
 */
export type { Timestamp, TimestampAccuracy, TimestampClient, TimestampInfo, TimestampInput } from './timestamp.js';
export { createTimestampClient } from './client.js';
export type { TimestampClientOptions } from './client.js';
export { createTimestampRequest } from './request.js';
export type { TimestampRequest, TimestampRequestOptions } from './request.js';
export { readTimestampResponse } from './response.js';
export type { ReadTimestampResponseOptions } from './response.js';
export { verifyTimestampToken } from './token.js';
export type { VerifyTimestampTokenOptions } from './token.js';
export { issueTimestamp } from './issue.js';
export type { IssueTimestampOptions, IssuedTimestamp } from './issue.js';
export { encodeTimestampRefusal } from './status.js';
export { assertTimestampCertificate } from './tsa-certificate.js';
export type { TimestampFailure } from './status.js';
export { OID_TIMESTAMP_TOKEN, OID_TIME_STAMPING, OID_TST_INFO } from './oids.js';
