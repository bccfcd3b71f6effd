import type { Migration } from 'kysely';
import type { Dialect } from '../database.js';

export function coreMigration(_dialect: Dialect): Migration {
  return { async up() {} };
}
