import { SignetError } from '@signet/sdk';
import { GENESIS_PREV, hashLeaf, MerkleTree, parseRecord, toHex } from '@signet/sdk/audit';
import type { Database } from '../database.js';

/** Rows read per query while catching up. */
const CHUNK = 2048;

/**
 * This process's copy of the Merkle tree over `audit_records`. Other replicas append too, so
 * before answering about the log it reads the rows it has not seen (`index >= size`) and checks
 * that they chain: the leaf is recomputed from the stored JSON (the `leaf_hash` column is not
 * trusted), each record names its position and its predecessor's leaf. Appends commit in index
 * order under one lock, so a row visible to a read implies every earlier one is visible too.
 */
export interface LogTree {
  /** Catches up with the table and returns the tree. One catch-up at a time. */
  sync(): Promise<MerkleTree>;
}

export function createLogTree(database: Database): LogTree {
  const tree = new MerkleTree();
  let prev = GENESIS_PREV;
  let syncing: Promise<MerkleTree> | undefined;

  async function catchUp(): Promise<MerkleTree> {
    for (;;) {
      const rows = await database.db
        .selectFrom('audit_records')
        .select(['index', 'json'])
        .where('index', '>=', tree.size)
        .orderBy('index')
        .limit(CHUNK)
        .execute();
      for (const row of rows) {
        const index = tree.size;
        if (Number(row.index) !== index) throw corrupt(index, `is missing (found #${String(row.index)})`);
        const record = parseRecord(row.json);
        if (record.index !== index) throw corrupt(index, `says it is #${record.index}`);
        if (record.prev !== prev) throw corrupt(Math.max(index - 1, 0), 'was changed: the next record names another');
        const leaf = hashLeaf(row.json);
        tree.append(leaf);
        prev = toHex(leaf);
      }
      if (rows.length < CHUNK) return tree;
    }
  }

  return {
    sync() {
      // Concurrent callers share one catch-up; a caller arriving after it began starts the next.
      const next = (syncing ?? Promise.resolve(tree)).catch(() => tree).then(catchUp);
      syncing = next;
      return next;
    },
  };
}

function corrupt(index: number, what: string): SignetError {
  return new SignetError('AUDIT_CORRUPT', `Audit record #${index} ${what}`, { details: { index } });
}
