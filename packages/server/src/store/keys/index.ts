/** Facts the server keeps about keys beside their providers: certificate chains for KMS keys. */
export { createDbCertificateStore } from './certificate-store.js';
export { keysMigration } from './migration.js';
export type { KeyTables } from './tables.js';
