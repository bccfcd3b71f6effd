import type { Migration } from 'kysely';
import type { Dialect } from '../store/database.js';

export function jobsMigration(_dialect: Dialect): Migration {
  return { async up() {} };
}
