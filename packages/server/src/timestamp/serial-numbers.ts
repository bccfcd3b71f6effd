import { sql } from 'kysely';
import type { Database } from '../store/database.js';
import { writeTransaction } from '../store/audit/index.js';

/** The timestamp authority's serial numbers: unique and increasing across every replica. */
export interface SerialNumbers {
  /** Takes the next serial number (1, 2, 3...); resolves once it is durably taken. */
  next(): Promise<bigint>;
}

/**
 * Serial numbers from the database (see `timestampMigration`). A number taken for a timestamp
 * that then fails is not reused: serials may skip, never repeat.
 */
export function createDbSerialNumbers(database: Database): SerialNumbers {
  if (database.dialect === 'postgres') {
    return {
      async next() {
        const { rows } = await sql<{ value: string }>`select nextval('tsa_serial_numbers') as value`.execute(
          database.db,
        );
        return BigInt(rows[0]!.value);
      },
    };
  }
  return {
    // BEGIN IMMEDIATE: another process's increment waits for ours rather than failing as busy.
    next: () =>
      writeTransaction(database, async (trx) => {
        const { rows } = await sql<{
          last: number | bigint;
        }>`update tsa_serial_numbers set last = last + 1 where id = 1 returning last`.execute(trx);
        return BigInt(rows[0]!.last);
      }),
  };
}
