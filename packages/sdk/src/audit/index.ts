/**
 * `@signet/sdk/audit`: the tamper-evident audit log. Every signature, decision, approval, key and
 * policy change is an append-only record, chained by hash and hashed into an RFC 6962 Merkle tree,
 * with signed checkpoints that anyone can verify offline.
 *
 * @packageDocumentation
 */
export { createAuditLog } from './audit-log.js';
export type { AuditLog, AuditLogOptions } from './audit-log.js';
export { AUDIT_EVENT_TYPES, GENESIS_PREV, parseRecord } from './event.js';
export type { AuditEventInput, AuditEventType, AuditRecord, StoredRecord } from './event.js';
export { canonicalJson } from './canonical-json.js';
export { recordHash, recordLeafHash } from './record.js';
export type { AuditStore } from './store.js';
export { createMemoryAuditStore } from './memory-store.js';
export { createFileAuditStore } from './file-store.js';
export type { FileAuditStoreOptions } from './file-store.js';
export { auditKeyId, checkpointText, parseCheckpoint, signCheckpoint, verifyCheckpoint } from './checkpoint.js';
export type { CheckpointBody, SignedCheckpoint } from './checkpoint.js';
export { verifyAuditExport } from './verify.js';
export type { AuditProblem, AuditVerification, VerifyAuditExportParams } from './verify.js';
export {
  consistencyProof,
  emptyRoot,
  hashChildren,
  hashLeaf,
  HASH_LENGTH,
  inclusionProof,
  merkleRoot,
} from './merkle.js';
export { verifyConsistency, verifyInclusion } from './merkle-verify.js';
export { MerkleTree } from './merkle-tree.js';
export { fromHex, toHex } from './hex.js';
export { createGroupCommit } from './group-commit.js';
export type { GroupCommit } from './group-commit.js';
