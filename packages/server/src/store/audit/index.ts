export { createDbAuditLog } from './db-audit-log.js';
export type { DbAuditLogOptions } from './db-audit-log.js';
export type { DbAuditLog } from './db-audit-log-types.js';
export { writeTransaction } from './write-transaction.js';
export type { WriteTransaction } from './write-transaction.js';
