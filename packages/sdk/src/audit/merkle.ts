import { hash } from 'node:crypto';
import { SignetError } from '../errors/errors.js';

/*
 * The Merkle tree of RFC 6962 §2.1 (restated in RFC 9162 §2.1), SHA-256 throughout. The proof
 * shapes are written once, over a `RangeHash`, so the reference functions below (which rehash the
 * leaves) and the incremental `MerkleTree` (which answers from its cache) cannot drift apart.
 */

/** Length in bytes of every hash in the tree. */
export const HASH_LENGTH = 32;

const EMPTY: Uint8Array = hash('sha256', '', 'buffer');
const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/**
 * The leaf hash SHA-256(0x00 ‖ data). A string is hashed as its UTF-8 bytes.
 *
 * @example hashLeaf(new Uint8Array()) // 6e340b9c…, the hash of an empty leaf
 */
export function hashLeaf(data: Uint8Array | string): Uint8Array {
  // A string starting with U+0000 is UTF-8 encoded as 0x00 followed by the data: no copy needed.
  if (typeof data === 'string') return hash('sha256', `\u0000${data}`, 'buffer');
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

/**
 * The interior node hash SHA-256(0x01 ‖ left ‖ right).
 *
 * @example hashChildren(hashLeaf('a'), hashLeaf('b')) // the root of the tree of two leaves
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

/**
 * The root of an empty tree, SHA-256 of no bytes (a fresh copy).
 *
 * @example toHex(emptyRoot()) // 'e3b0c442…b855'
 */
export function emptyRoot(): Uint8Array {
  return Uint8Array.from(EMPTY);
}

/** The largest power of two strictly smaller than `n` (n ≥ 2): where RFC 6962 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of the leaves [lo, hi), however the caller finds it. */
export type RangeHash = (lo: number, hi: number) => Uint8Array;

/** PATH(index, D[0:size]) of RFC 6962 §2.1.1, deepest sibling first. Walks down, so no recursion. */
export function inclusionPath(index: number, size: number, range: RangeHash): Uint8Array[] {
  const path: Uint8Array[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      path.push(range(lo + k, hi));
      hi = lo + k;
    } else {
      path.push(range(lo, lo + k));
      lo += k;
    }
  }
  return path.reverse();
}

/** PROOF(m, D[0:n]) = SUBPROOF(m, D[n], true) of RFC 6962 §2.1.2, for 0 < m < n. */
export function consistencyPath(m: number, n: number, range: RangeHash): Uint8Array[] {
  const path: Uint8Array[] = [];
  let lo = 0;
  let hi = n;
  let whole = true; // RFC's `b`: the old tree is still a whole subtree of this one
  while (m !== hi) {
    const k = splitPoint(hi - lo);
    if (m <= lo + k) {
      path.push(range(lo + k, hi));
      hi = lo + k;
    } else {
      path.push(range(lo, lo + k));
      lo += k;
      whole = false;
    }
  }
  if (!whole) path.push(range(lo, hi));
  return path.reverse();
}

/** Refuses sizes and indexes that are not integers in range, with one coded error. */
export function assertRange(what: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SignetError('INVALID_ARGUMENT', `${what} must be an integer from ${min} to ${max}, not ${value}`, {
      details: { [what]: value, min, max },
    });
  }
}

function naiveRange(leaves: readonly Uint8Array[]): RangeHash {
  const mth: RangeHash = (lo, hi) => {
    if (hi - lo === 1) return leaves[lo]!;
    const k = splitPoint(hi - lo);
    return hashChildren(mth(lo, lo + k), mth(lo + k, hi));
  };
  return mth;
}

/**
 * MTH(D[n]) over leaf hashes, recomputed from scratch: the plain statement of RFC 6962 that tests
 * hold the incremental tree to.
 *
 * @example merkleRoot([hashLeaf('a'), hashLeaf('b')])
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  return leafHashes.length === 0 ? emptyRoot() : Uint8Array.from(naiveRange(leafHashes)(0, leafHashes.length));
}

/**
 * The inclusion proof of leaf `index` in the tree of the first `size` leaf hashes (from scratch).
 *
 * @example verifyInclusion(leaves[2], 2, 5, inclusionProof(leaves, 2, 5), merkleRoot(leaves.slice(0, 5)))
 */
export function inclusionProof(
  leafHashes: readonly Uint8Array[],
  index: number,
  size = leafHashes.length,
): Uint8Array[] {
  assertRange('size', size, 1, leafHashes.length);
  assertRange('index', index, 0, size - 1);
  return inclusionPath(index, size, naiveRange(leafHashes)).map((h) => Uint8Array.from(h));
}

/**
 * The consistency proof from the first `m` to the first `n` leaf hashes (from scratch). Empty when m
 * is 0 or n.
 *
 * @example consistencyProof(leaves, 3, 7) // shows the tree of 3 leaves is a prefix of the tree of 7
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], m: number, n = leafHashes.length): Uint8Array[] {
  assertRange('n', n, 0, leafHashes.length);
  assertRange('m', m, 0, n);
  return m === 0 || m === n ? [] : consistencyPath(m, n, naiveRange(leafHashes)).map((h) => Uint8Array.from(h));
}
