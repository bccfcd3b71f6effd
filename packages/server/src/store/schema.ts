import type { AuditTables } from './audit/tables.js';
import type { AuthTables } from '../auth/tables.js';
import type { CoreTables } from './core/tables.js';
import type { JobTables } from '../jobs/tables.js';
import type { KeyTables } from './keys/tables.js';

/** Every table of the server's database, composed from the modules that own them. */
export interface Schema extends CoreTables, AuditTables, JobTables, AuthTables, KeyTables {}
