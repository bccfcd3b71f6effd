import { SignetError } from '../errors/errors.js';
import type { SignedCheckpoint } from './checkpoint.js';
import { GENESIS_PREV } from './event.js';
import { toHex } from './hex.js';
import { hashLeaf } from './merkle.js';
import { MerkleTree } from './merkle-tree.js';
import type { AuditStore } from './store.js';

/** Records read per store call while replaying. */
const CHUNK = 4096;

/** What a log needs to continue a stored log. */
export interface ReplayedLog {
  readonly tree: MerkleTree;
  /** Hex leaf hash of the last record: the next record's `prev`. */
  readonly prev: string;
  readonly checkpoints: SignedCheckpoint[];
}

/**
 * Rebuilds the Merkle tree from a store, refusing a log whose records do not chain (an edited,
 * missing or moved record) or whose stored checkpoints do not match the records. The chain catches
 * an edit anywhere but in the last record; the checkpoints catch that one if one covers it.
 *
 * @throws SignetError `AUDIT_CORRUPT` naming the first bad record.
 */
export async function replayStore(store: AuditStore): Promise<ReplayedLog> {
  const tree = new MerkleTree();
  let prev = GENESIS_PREV;
  const size = await store.size();
  for (let from = 0; from < size; from += CHUNK) {
    const chunk = await store.read(from, Math.min(size, from + CHUNK));
    if (chunk.length !== Math.min(CHUNK, size - from)) throw corrupt(from + chunk.length, 'is missing from the store');
    for (const { record, json } of chunk) {
      const index = tree.size;
      if (record.index !== index) throw corrupt(index, `is stored with index ${record.index}`);
      if (record.prev !== prev)
        throw corrupt(Math.max(index - 1, 0), 'was changed: the next record names another predecessor');
      const leaf = hashLeaf(json);
      tree.append(leaf);
      prev = toHex(leaf);
    }
  }
  const checkpoints = await store.checkpoints();
  for (const checkpoint of checkpoints) {
    if (checkpoint.treeSize > size) {
      throw corrupt(size, `is missing: a checkpoint covers ${checkpoint.treeSize} records, the store has ${size}`);
    }
    if (toHex(tree.root(checkpoint.treeSize)) !== checkpoint.rootHash) {
      throw corrupt(
        Math.max(checkpoint.treeSize - 1, 0),
        `does not match the checkpoint of ${checkpoint.treeSize} records`,
      );
    }
  }
  return { tree, prev, checkpoints };
}

function corrupt(index: number, what: string): SignetError {
  return new SignetError('AUDIT_CORRUPT', `Audit record #${index} ${what}`, { details: { index } });
}
