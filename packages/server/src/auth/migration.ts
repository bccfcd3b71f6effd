import type { Migration } from 'kysely';
import type { Dialect } from '../store/database.js';

export function authMigration(_dialect: Dialect): Migration {
  return { async up() {} };
}
