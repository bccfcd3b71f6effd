// Published RFC 6962 test vectors. The 8 leaves, the roots of sizes 1..8, and the inclusion and
// consistency proofs come from the Certificate Transparency reference tests, as kept in
// transparency-dev/merkle `proof/verify_test.go` (formerly certificate-transparency-go
// `merkle/log_verifier_test.go`, from the C++ `merkle_tree_test.cc`):
//   https://github.com/transparency-dev/merkle/blob/main/proof/verify_test.go
// The proof shapes for bigger trees (which nodes a proof holds) come from `proof/proof_test.go` of
// the same repository, translated from node ids (level, index) to leaf ranges [lo, hi).
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  emptyRoot,
  hashLeaf,
  inclusionProof,
  merkleRoot,
  MerkleTree,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/index.js';

const h = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const LEAF_HASHES = LEAVES.map((l) => hashLeaf(h(l)));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');

/** [index (0-based), size, proof]; the source lists leaves 1-based. */
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

/** [m, n, proof] */
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

function treeOf(leafHashes: Uint8Array[]): MerkleTree {
  const tree = new MerkleTree();
  for (const leaf of leafHashes) tree.append(leaf);
  return tree;
}

describe('the RFC 6962 reference vectors', () => {
  const tree = treeOf(LEAF_HASHES);

  it('give the empty tree the hash of no bytes', () => {
    expect(hex(merkleRoot([]))).toBe(EMPTY_ROOT);
    expect(hex(new MerkleTree().root())).toBe(EMPTY_ROOT);
  });

  it.each(ROOTS.map((root, i) => [i + 1, root] as const))(
    'give the tree of %i leaves its published root',
    (size, root) => {
      expect(hex(merkleRoot(LEAF_HASHES.slice(0, size)))).toBe(root);
      expect(hex(tree.root(size))).toBe(root);
      expect(hex(treeOf(LEAF_HASHES.slice(0, size)).root())).toBe(root);
    },
  );

  describe.each(INCLUSION)('the inclusion proof of leaf %i in %i leaves', (index, size, expected) => {
    const root = h(ROOTS[size - 1]!);

    it('is generated as published, by both the reference and the tree', () => {
      expect(inclusionProof(LEAF_HASHES, index, size).map(hex)).toEqual(expected);
      expect(tree.inclusionProof(index, size).map(hex)).toEqual(expected);
    });

    it('verifies, and every corruption of it fails (the probes of verify_test.go)', () => {
      const proof = expected.map(h);
      const leaf = LEAF_HASHES[index]!;
      expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
      const flip = (i: number): Uint8Array[] =>
        proof.map((p, j) => (j === i ? p.map((b, k) => (k === 0 ? b ^ 8 : b)) : p));
      const probes: [string, () => boolean][] = [
        ['index - 1', () => verifyInclusion(leaf, index - 1, size, proof, root)],
        ['index + 1', () => verifyInclusion(leaf, index + 1, size, proof, root)],
        ['index ^ 2', () => verifyInclusion(leaf, index ^ 2, size, proof, root)],
        ['size * 2', () => verifyInclusion(leaf, index, size * 2, proof, root)],
        ['size / 2', () => verifyInclusion(leaf, index, Math.floor(size / 2), proof, root)],
        ['wrong leaf', () => verifyInclusion(hashLeaf('WrongLeaf'), index, size, proof, root)],
        ['empty root', () => verifyInclusion(leaf, index, size, proof, h(EMPTY_ROOT))],
        ['random root', () => verifyInclusion(leaf, index, size, proof, SOME_HASH)],
        ['trailing garbage', () => verifyInclusion(leaf, index, size, [...proof, new Uint8Array()], root)],
        ['trailing root', () => verifyInclusion(leaf, index, size, [...proof, root], root)],
        ['preceding garbage', () => verifyInclusion(leaf, index, size, [new Uint8Array(), ...proof], root)],
        ['preceding root', () => verifyInclusion(leaf, index, size, [root, ...proof], root)],
        ...proof.map((_, i): [string, () => boolean] => [
          `bit flip in proof[${i}]`,
          () => verifyInclusion(leaf, index, size, flip(i), root),
        ]),
      ];
      if (proof.length > 0)
        probes.push(['removed component', () => verifyInclusion(leaf, index, size, proof.slice(0, -1), root)]);
      if (proof.length > 1) {
        probes.push([
          'inserted component',
          () => verifyInclusion(leaf, index, size, [SOME_HASH, proof[0]!, ...proof.slice(1)], root),
        ]);
      }
      expect(probes.filter(([, probe]) => probe()).map(([name]) => name)).toEqual([]);
    });
  });

  describe.each(CONSISTENCY)('the consistency proof from %i to %i leaves', (m, n, expected) => {
    const rootM = h(ROOTS[m - 1]!);
    const rootN = h(ROOTS[n - 1]!);

    it('is generated as published, by both the reference and the tree', () => {
      expect(consistencyProof(LEAF_HASHES, m, n).map(hex)).toEqual(expected);
      expect(tree.consistencyProof(m, n).map(hex)).toEqual(expected);
    });

    it('verifies, and every corruption of it fails (the probes of verify_test.go)', () => {
      const proof = expected.map(h);
      expect(verifyConsistency(m, n, rootM, rootN, proof)).toBe(true);
      if (proof.length === 0) return; // as in the source: only non-trivial proofs are probed
      const flip = (i: number): Uint8Array[] =>
        proof.map((p, j) => (j === i ? p.map((b, k) => (k === 0 ? b ^ 16 : b)) : p));
      const probes: [string, () => boolean][] = [
        ['m - 1', () => verifyConsistency(m - 1, n, rootM, rootN, proof)],
        ['m + 1', () => verifyConsistency(m + 1, n, rootM, rootN, proof)],
        ['m ^ 2', () => verifyConsistency(m ^ 2, n, rootM, rootN, proof)],
        ['n * 2', () => verifyConsistency(m, n * 2, rootM, rootN, proof)],
        ['n / 2', () => verifyConsistency(m, Math.floor(n / 2), rootM, rootN, proof)],
        ['wrong root m', () => verifyConsistency(m, n, SOME_HASH, rootN, proof)],
        ['wrong root n', () => verifyConsistency(m, n, rootM, SOME_HASH, proof)],
        ['swapped roots', () => verifyConsistency(m, n, rootN, rootM, proof)],
        ['empty proof', () => verifyConsistency(m, n, rootM, rootN, [])],
        ['trailing garbage', () => verifyConsistency(m, n, rootM, rootN, [...proof, new Uint8Array()])],
        ['trailing root m', () => verifyConsistency(m, n, rootM, rootN, [...proof, rootM])],
        ['trailing root n', () => verifyConsistency(m, n, rootM, rootN, [...proof, rootN])],
        ['preceding garbage', () => verifyConsistency(m, n, rootM, rootN, [new Uint8Array(), ...proof])],
        ['preceding root m', () => verifyConsistency(m, n, rootM, rootN, [rootM, ...proof])],
        ['preceding root n', () => verifyConsistency(m, n, rootM, rootN, [rootN, ...proof])],
        ['preceding proof[0]', () => verifyConsistency(m, n, rootM, rootN, [proof[0]!, ...proof])],
        ['truncated proof', () => verifyConsistency(m, n, rootM, rootN, proof.slice(0, -1))],
        ...proof.map((_, i): [string, () => boolean] => [
          `bit flip in proof[${i}]`,
          () => verifyConsistency(m, n, rootM, rootN, flip(i)),
        ]),
      ];
      expect(probes.filter(([, probe]) => probe()).map(([name]) => name)).toEqual([]);
    });
  });

  describe('the edge cases of verify_test.go TestVerifyConsistency', () => {
    const empty = h(EMPTY_ROOT);
    const r1 = h(ROOTS[0]!);

    it('accept equal sizes with equal roots and no proof, and refuse anything else there', () => {
      expect(verifyConsistency(0, 0, empty, empty, [])).toBe(true);
      expect(verifyConsistency(1, 1, r1, r1, [])).toBe(true);
      expect(verifyConsistency(1, 1, r1, SOME_HASH, [])).toBe(false);
      expect(verifyConsistency(0, 0, empty, empty, [empty])).toBe(false);
      expect(verifyConsistency(1, 1, empty, empty, [empty])).toBe(false);
    });

    it('refuse time travel and an empty proof between different sizes', () => {
      expect(verifyConsistency(1, 0, r1, empty, [])).toBe(false);
      expect(verifyConsistency(2, 1, SOME_HASH, r1, [])).toBe(false);
      expect(verifyConsistency(1, 2, r1, h(ROOTS[1]!), [])).toBe(false);
    });

    it('accept any tree after the empty one, but (stricter than the source) only from the empty root', () => {
      expect(verifyConsistency(0, 1, empty, r1, [])).toBe(true);
      expect(verifyConsistency(0, 1, SOME_HASH, r1, [])).toBe(false);
      expect(verifyConsistency(0, 1, empty, r1, [empty])).toBe(false);
    });
  });
});

// Proof shapes from proof/proof_test.go TestInclusion and TestConsistency: each expected proof
// element as the leaf range [lo, hi) whose MTH it is (node id (level, i) = [i·2^level, (i+1)·2^level);
// a "rehash" of several ids is the MTH of their union, the incomplete right edge).
const SHAPES_INCLUSION: [number, number, [number, number][]][] = [
  [
    7,
    0,
    [
      [1, 2],
      [2, 4],
      [4, 7],
    ],
  ],
  [
    7,
    3,
    [
      [2, 3],
      [0, 2],
      [4, 7],
    ],
  ],
  [
    7,
    4,
    [
      [5, 6],
      [6, 7],
      [0, 4],
    ],
  ],
  [
    7,
    6,
    [
      [4, 6],
      [0, 4],
    ],
  ],
  [
    5,
    3,
    [
      [2, 3],
      [0, 2],
      [4, 5],
    ],
  ],
  [
    6,
    4,
    [
      [5, 6],
      [0, 4],
    ],
  ],
  [
    15,
    10,
    [
      [11, 12],
      [8, 10],
      [12, 15],
      [0, 8],
    ],
  ],
  [
    31,
    24,
    [
      [25, 26],
      [26, 28],
      [28, 31],
      [16, 24],
      [0, 16],
    ],
  ],
  [
    95,
    81,
    [
      [80, 81],
      [82, 84],
      [84, 88],
      [88, 95],
      [64, 80],
      [0, 64],
    ],
  ],
];
const SHAPES_CONSISTENCY: [number, number, [number, number][]][] = [
  [1, 2, [[1, 2]]],
  [
    1,
    4,
    [
      [1, 2],
      [2, 4],
    ],
  ],
  [
    1,
    6,
    [
      [1, 2],
      [2, 4],
      [4, 6],
    ],
  ],
  [2, 3, [[2, 3]]],
  [
    2,
    8,
    [
      [2, 4],
      [4, 8],
    ],
  ],
  [
    3,
    7,
    [
      [2, 3],
      [3, 4],
      [0, 2],
      [4, 7],
    ],
  ],
  [4, 7, [[4, 7]]],
  [
    5,
    7,
    [
      [4, 5],
      [5, 6],
      [6, 7],
      [0, 4],
    ],
  ],
  [
    6,
    7,
    [
      [4, 6],
      [6, 7],
      [0, 4],
    ],
  ],
  [
    7,
    8,
    [
      [6, 7],
      [7, 8],
      [4, 6],
      [0, 4],
    ],
  ],
  [2, 4, [[2, 4]]],
  [
    3,
    5,
    [
      [2, 3],
      [3, 4],
      [0, 2],
      [4, 5],
    ],
  ],
  [
    3,
    6,
    [
      [2, 3],
      [3, 4],
      [0, 2],
      [4, 6],
    ],
  ],
  [4, 6, [[4, 6]]],
  [
    1,
    7,
    [
      [1, 2],
      [2, 4],
      [4, 7],
    ],
  ],
  [
    10,
    15,
    [
      [8, 10],
      [10, 12],
      [12, 15],
      [0, 8],
    ],
  ],
  [
    24,
    31,
    [
      [16, 24],
      [24, 31],
      [0, 16],
    ],
  ],
  [
    81,
    95,
    [
      [80, 81],
      [81, 82],
      [82, 84],
      [84, 88],
      [88, 95],
      [64, 80],
      [0, 64],
    ],
  ],
];

describe('the proof shapes of proof_test.go', () => {
  const leaves = Array.from({ length: 95 }, (_, i) => hashLeaf(`leaf ${i}`));
  const tree = treeOf(leaves);
  const mth = (ranges: [number, number][]): string[] => ranges.map(([lo, hi]) => hex(merkleRoot(leaves.slice(lo, hi))));

  it.each(SHAPES_INCLUSION)('hold the right nodes in a tree of %i leaves for leaf %i', (size, index, ranges) => {
    expect(tree.inclusionProof(index, size).map(hex)).toEqual(mth(ranges));
    expect(inclusionProof(leaves, index, size).map(hex)).toEqual(mth(ranges));
  });

  it.each(SHAPES_CONSISTENCY)('hold the right nodes from %i to %i', (m, n, ranges) => {
    expect(tree.consistencyProof(m, n).map(hex)).toEqual(mth(ranges));
    expect(consistencyProof(leaves, m, n).map(hex)).toEqual(mth(ranges));
  });

  it('give an empty proof for the same size and for the empty tree', () => {
    for (const size of [1, 2, 3, 4, 5, 7, 8]) expect(tree.consistencyProof(size, size)).toEqual([]);
    expect(tree.consistencyProof(0, 8)).toEqual([]);
    expect(hex(emptyRoot())).toBe(EMPTY_ROOT);
  });
});
