/**
 * The signing engine's durable stores on the server's database (SQLite or PostgreSQL): usage for
 * quotas, pending requests and approvals, idempotency keys, and the versioned policy.
 *
 * @example
 * ```ts
 * const database = await openDatabase({ url: 'postgres://signet@db/signet' });
 * const engine = createSigningEngine({
 *   ...,
 *   usage: createDbUsageStore(database),
 *   approvals: createDbApprovalStore(database),
 *   idempotency: createDbIdempotencyStore(database),
 * });
 * ```
 *
 * @packageDocumentation
 */
export { createDbUsageStore } from './usage-store.js';
export { createDbApprovalStore } from './approval-store.js';
export { createDbIdempotencyStore } from './idempotency-store.js';
export type { DbIdempotencyStoreOptions } from './idempotency-store.js';
export { createPolicyRepository } from './policy-repository.js';
export type { PolicyRepository, PolicyVersion, PutPolicyParams, StoredPolicy } from './policy-repository.js';
export { encodeRequest, decodeRequest, encodeResult, decodeResult, encodeDecision, decodeDecision } from './codec.js';
export type { CoreTables } from './tables.js';
export { coreMigration } from './migration.js';
