/** Tables owned by this module (filled in with its migration). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuditTables {}
