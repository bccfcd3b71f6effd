import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  hashLeaf,
  inclusionProof,
  merkleRoot,
  MerkleTree,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/index.js';

/** Distinct leaves (a seed keeps runs apart) and the tree of them. */
const trees = fc
  .record({ seed: fc.string({ maxLength: 8 }), size: fc.integer({ min: 1, max: 300 }) })
  .map(({ seed, size }) => {
    const leaves = Array.from({ length: size }, (_, i) => hashLeaf(`${seed}#${i}`));
    const tree = new MerkleTree();
    for (const leaf of leaves) tree.append(leaf);
    return { leaves, tree };
  });

/** A tree and a leaf of one of its past (or current) sizes. */
const leafInTree = trees.chain(({ leaves, tree }) =>
  fc
    .integer({ min: 1, max: leaves.length })
    .chain((size) => fc.record({ size: fc.constant(size), index: fc.nat({ max: size - 1 }) }))
    .map((at) => ({ leaves, tree, ...at })),
);

const twoSizes = trees.chain(({ leaves, tree }) =>
  fc
    .tuple(fc.integer({ min: 0, max: leaves.length }), fc.integer({ min: 0, max: leaves.length }))
    .map(([a, b]) => ({ leaves, tree, m: Math.min(a, b), n: Math.max(a, b) })),
);

/** A copy of `bytes` with one bit flipped. */
const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << (bit % 8);
  return copy;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('the incremental Merkle tree', () => {
  it('has the root of the naive recursive MTH, at every size it went through', () => {
    fc.assert(
      fc.property(trees, ({ leaves, tree }) => {
        for (let size = 0; size <= leaves.length; size += 1 + Math.floor(size / 8)) {
          expect(hex(tree.root(size))).toBe(hex(merkleRoot(leaves.slice(0, size))));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same proofs as the reference functions', () => {
    fc.assert(
      fc.property(leafInTree, twoSizes, ({ leaves, tree, index, size }, sizes) => {
        expect(tree.inclusionProof(index, size).map(hex)).toEqual(inclusionProof(leaves, index, size).map(hex));
        const { m, n } = sizes;
        expect(sizes.tree.consistencyProof(m, n).map(hex)).toEqual(consistencyProof(sizes.leaves, m, n).map(hex));
      }),
      { numRuns: 100 },
    );
  });
});

describe('an inclusion proof', () => {
  it('verifies for every leaf of every past size', () => {
    fc.assert(
      fc.property(leafInTree, ({ leaves, tree, index, size }) =>
        verifyInclusion(leaves[index]!, index, size, tree.inclusionProof(index, size), tree.root(size)),
      ),
      { numRuns: 300 },
    );
  });

  it('fails after any bit flip in the leaf, the root or any proof element', () => {
    fc.assert(
      fc.property(leafInTree, fc.nat(), fc.nat(), ({ leaves, tree, index, size }, which, bit) => {
        const proof = tree.inclusionProof(index, size);
        const root = tree.root(size);
        const leaf = leaves[index]!;
        const target = which % (proof.length + 2);
        if (target === proof.length) return !verifyInclusion(flip(leaf, bit), index, size, proof, root);
        if (target === proof.length + 1) return !verifyInclusion(leaf, index, size, proof, flip(root, bit));
        const bad = proof.map((p, i) => (i === target ? flip(p, bit) : p));
        return !verifyInclusion(leaf, index, size, bad, root);
      }),
      { numRuns: 300 },
    );
  });

  it('fails for any other index', () => {
    fc.assert(
      fc.property(leafInTree, fc.nat(), ({ leaves, tree, index, size }, other) => {
        const wrong = other % size;
        fc.pre(wrong !== index);
        return !verifyInclusion(leaves[index]!, wrong, size, tree.inclusionProof(index, size), tree.root(size));
      }),
      { numRuns: 300 },
    );
  });

  it('fails for any other size with that size’s root, and for twice the size', () => {
    fc.assert(
      fc.property(leafInTree, fc.nat(), ({ leaves, tree, index, size }, other) => {
        const proof = tree.inclusionProof(index, size);
        const wrong = index + 1 + (other % (leaves.length - index));
        const twice = verifyInclusion(leaves[index]!, index, size * 2, proof, tree.root(size));
        if (wrong === size) return !twice;
        return !twice && !verifyInclusion(leaves[index]!, index, wrong, proof, tree.root(wrong));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a consistency proof', () => {
  it('verifies between any two sizes m ≤ n', () => {
    fc.assert(
      fc.property(twoSizes, ({ tree, m, n }) =>
        verifyConsistency(m, n, tree.root(m), tree.root(n), tree.consistencyProof(m, n)),
      ),
      { numRuns: 300 },
    );
  });

  it('fails when either root changes by one bit (the new root is free only after the empty tree)', () => {
    fc.assert(
      fc.property(twoSizes, fc.nat(), fc.boolean(), ({ tree, m, n }, bit, first) => {
        fc.pre(first || m > 0); // every tree extends the empty one: nothing to prove about rootN
        const proof = tree.consistencyProof(m, n);
        const [rootM, rootN] = [tree.root(m), tree.root(n)];
        return first
          ? !verifyConsistency(m, n, flip(rootM, bit), rootN, proof)
          : !verifyConsistency(m, n, rootM, flip(rootN, bit), proof);
      }),
      { numRuns: 300 },
    );
  });

  it('fails after a bit flip in any proof element', () => {
    fc.assert(
      fc.property(twoSizes, fc.nat(), fc.nat(), ({ tree, m, n }, which, bit) => {
        const proof = tree.consistencyProof(m, n);
        fc.pre(proof.length > 0);
        const bad = proof.map((p, i) => (i === which % proof.length ? flip(p, bit) : p));
        return !verifyConsistency(m, n, tree.root(m), tree.root(n), bad);
      }),
      { numRuns: 300 },
    );
  });
});
