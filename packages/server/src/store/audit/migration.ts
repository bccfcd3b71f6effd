import type { Migration } from 'kysely';
import type { Dialect } from '../database.js';

export function auditMigration(_dialect: Dialect): Migration {
  return { async up() {} };
}
