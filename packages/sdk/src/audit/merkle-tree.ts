import {
  assertRange,
  consistencyPath,
  emptyRoot,
  hashChildren,
  HASH_LENGTH,
  inclusionPath,
  splitPoint,
} from './merkle.js';

/** Hashes packed in one growing buffer: 32 bytes each instead of one object per hash. */
class HashList {
  #bytes = Buffer.alloc(HASH_LENGTH * 64);
  length = 0;

  push(hash: Uint8Array): void {
    if ((this.length + 1) * HASH_LENGTH > this.#bytes.length) {
      const bigger = Buffer.alloc(this.#bytes.length * 2);
      this.#bytes.copy(bigger);
      this.#bytes = bigger;
    }
    this.#bytes.set(hash, this.length * HASH_LENGTH);
    this.length++;
  }

  /** A view, valid for ever: stored hashes never change, and growing copies rather than moves. */
  at(i: number): Uint8Array {
    return this.#bytes.subarray(i * HASH_LENGTH, (i + 1) * HASH_LENGTH);
  }
}

/**
 * An append-only RFC 6962 Merkle tree that keeps the hash of every complete subtree (level h holds
 * the subtrees of 2^h leaves). Appending costs O(log n) hashes at worst (one on average); a root or
 * an inclusion or consistency proof, for the current size or any past one, costs O(log n) lookups
 * plus the few nodes on the right edge that are not complete yet. Memory: 64 bytes per leaf.
 *
 * @example
 * ```ts
 * const tree = new MerkleTree();
 * tree.append(hashLeaf('first event'));
 * const proof = tree.inclusionProof(0); // verifyInclusion(leaf, 0, tree.size, proof, tree.root())
 * ```
 */
export class MerkleTree {
  readonly #levels: HashList[] = [new HashList()];

  /** Number of leaves. */
  get size(): number {
    return this.#levels[0]!.length;
  }

  /** Adds a leaf hash (see `hashLeaf`) and completes every subtree it closes. */
  append(leafHash: Uint8Array): void {
    assertRange('leaf hash length', leafHash.length, HASH_LENGTH, HASH_LENGTH);
    this.#levels[0]!.push(leafHash);
    for (let h = 0; this.#levels[h]!.length % 2 === 0; h++) {
      const level = this.#levels[h]!;
      const parent = hashChildren(level.at(level.length - 2), level.at(level.length - 1));
      (this.#levels[h + 1] ??= new HashList()).push(parent);
    }
  }

  /** The hash of leaf `index`. */
  leafHash(index: number): Uint8Array {
    assertRange('index', index, 0, this.size - 1);
    return Uint8Array.from(this.#levels[0]!.at(index));
  }

  /** MTH of the first `size` leaves (default: all). */
  root(size: number = this.size): Uint8Array {
    assertRange('size', size, 0, this.size);
    return size === 0 ? emptyRoot() : Uint8Array.from(this.#range(0, size));
  }

  /** The inclusion proof of leaf `index` in the tree of the first `size` leaves. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    assertRange('size', size, 1, this.size);
    assertRange('index', index, 0, size - 1);
    return inclusionPath(index, size, this.#range).map((h) => Uint8Array.from(h));
  }

  /** The consistency proof from the first `m` leaves to the first `n`. Empty when m is 0 or n. */
  consistencyProof(m: number, n: number = this.size): Uint8Array[] {
    assertRange('n', n, 0, this.size);
    assertRange('m', m, 0, n);
    if (m === 0 || m === n) return [];
    return consistencyPath(m, n, this.#range).map((h) => Uint8Array.from(h));
  }

  /** MTH of leaves [lo, hi): a stored node when the range is an aligned complete subtree. */
  readonly #range = (lo: number, hi: number): Uint8Array => {
    const width = hi - lo;
    const level = levelOf(width);
    if (level !== undefined && lo % width === 0) return this.#levels[level]!.at(lo / width);
    const k = splitPoint(width);
    return hashChildren(this.#range(lo, lo + k), this.#range(lo + k, hi));
  };
}

/** log2(width) when width is a power of two. */
function levelOf(width: number): number | undefined {
  let level = 0;
  while (width > 1 && width % 2 === 0) {
    width /= 2;
    level++;
  }
  return width === 1 ? level : undefined;
}
