import { emptyRoot, hashChildren, HASH_LENGTH } from './merkle.js';

/*
 * Proof verification as RFC 9162 §2.1.3.2 and §2.1.4.2 write it: walk the proof while shifting the
 * node numbers `fn` (ours) and `sn` (the last leaf's) up the tree. Sizes are plain numbers, so the
 * shifts are halvings (bitwise operators stop at 2^31).
 */

const half = (n: number): number => Math.floor(n / 2);
const odd = (n: number): boolean => n % 2 === 1;
const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === HASH_LENGTH;
const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/**
 * Whether `proof` shows that `leafHash` is leaf `index` of the tree of `size` leaves whose root is
 * `root`. Malformed input (a short hash, an index out of range) is simply not a proof.
 *
 * @example
 * ```ts
 * const ok = verifyInclusion(hashLeaf(line), record.index, checkpoint.treeSize, proof, root);
 * ```
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isCount(index) || !isCount(size) || index >= size) return false;
  if (!isHash(leafHash) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = hashChildren(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && same(r, root);
}

/**
 * Whether `proof` shows that the tree of `m` leaves with root `rootM` is a prefix of the tree of
 * `n` leaves with root `rootN`: nothing was changed, removed or reordered, only appended. For
 * m = n the proof is empty and the roots are equal; for m = 0 it is empty and `rootM` is the
 * empty tree's root.
 *
 * @example
 * ```ts
 * if (!verifyConsistency(old.treeSize, cp.treeSize, fromHex(old.rootHash), fromHex(cp.rootHash), proof)) alarm();
 * ```
 */
export function verifyConsistency(
  m: number,
  n: number,
  rootM: Uint8Array,
  rootN: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isCount(m) || !isCount(n) || m > n) return false;
  if (!isHash(rootM) || !isHash(rootN) || !proof.every(isHash)) return false;
  if (m === n) return proof.length === 0 && same(rootM, rootN);
  if (m === 0) return proof.length === 0 && same(rootM, emptyRoot());
  if (proof.length === 0) return false;
  // When m is a power of two the old root is itself a node of the new tree, so the proof omits it.
  const path = isPowerOfTwo(m) ? [rootM, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = hashChildren(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && same(fr, rootM) && same(sr, rootN);
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}
