export { createSigningEngine } from './engine.js';
export type { SigningEngine, SigningEngineOptions, ApproveParams } from './engine.js';
export { requestFingerprint } from './request.js';
export type { SigningRequest, SigningItem, RequestMetadata, Principal, CiClaims } from './request.js';
export type { SigningResult, SignedItem } from './result.js';
export type {
  UsageStore,
  UsageEntry,
  ApprovalStore,
  PendingRequest,
  IdempotencyStore,
  IdempotencyClaim,
} from './stores.js';
export { createMemoryUsageStore, createMemoryApprovalStore, createMemoryIdempotencyStore } from './memory-stores.js';
export type { AuditSink, EngineAuditEvent } from './audit-events.js';
export { validateRequest, MAX_BATCH } from './validate.js';
export { createMemoryJobQueue } from './jobs.js';
export type { SigningJobs, JobStatus, JobState } from './jobs.js';
export { createEngineSigner } from './engine-signer.js';
export type { EngineSigner, EngineSignerOptions } from './engine-signer.js';
