import type { Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { auditMigration } from '../audit/migration.js';
import { authMigration } from '../../auth/migration.js';
import { coreMigration } from '../core/migration.js';
import { jobsIdempotencyMigration, jobsMigration } from '../../jobs/migration.js';
import { keysMigration } from '../keys/migration.js';
import { timestampMigration } from '../../timestamp/migration.js';

/** A migration may differ by dialect (types, locking); names sort in the order they run. */
export type MigrationFactory = (dialect: Dialect) => Migration;

/** Every migration, oldest first. Never edit one that shipped: add the next. */
export const MIGRATIONS: ReadonlyArray<readonly [string, MigrationFactory]> = [
  ['001-core', coreMigration],
  ['002-audit', auditMigration],
  ['003-jobs', jobsMigration],
  ['004-auth', authMigration],
  ['005-jobs-idempotency', jobsIdempotencyMigration],
  ['006-key-certificates', keysMigration],
  ['007-timestamp-serial-numbers', timestampMigration],
];
