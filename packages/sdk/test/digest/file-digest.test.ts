import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { digestBytes, digestFile, isSignetError, type DigestProgress } from '../../src/index.js';
import { openssl } from '../helpers/openssl.js';
import { tempDir } from '../helpers/temp.js';

describe('streaming file digests', () => {
  let dir: string;
  let big: string;

  beforeAll(async () => {
    dir = await tempDir();
    big = join(dir, 'big.bin');
    await writeFile(big, randomBytes(5 * 1024 * 1024 + 12345)); // several chunks and a partial one
  });

  it('match openssl dgst for SHA-256/384/512, in one pass', async () => {
    const progress: DigestProgress[] = [];
    const result = await digestFile(big, {
      hashes: ['sha256', 'sha384', 'sha512'],
      onProgress: (p) => progress.push(p),
    });
    for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
      const { stdout } = await openssl(['dgst', `-${hash}`, '-r', big]);
      expect(Buffer.from(result.digests[hash]!).toString('hex')).toBe(stdout.split(' ')[0]);
    }
    expect(result.size).toBe(5 * 1024 * 1024 + 12345);
    expect(progress.at(-1)).toEqual({ bytes: result.size, total: result.size });
    expect(progress.map((p) => p.bytes)).toEqual([...progress.map((p) => p.bytes)].sort((a, b) => a - b));
  });

  it('equal the in-memory digest for any content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (content) => {
        const path = join(dir, 'small.bin');
        await writeFile(path, content);
        const { digests } = await digestFile(path);
        expect(Buffer.from(digests.sha256!)).toEqual(Buffer.from(digestBytes('sha256', content)));
      }),
      { numRuns: 30 },
    );
  });

  it('stop with ABORTED when the signal fires', async () => {
    const controller = new AbortController();
    const pending = digestFile(big, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(pending).rejects.toSatisfy((e) => isSignetError(e, 'ABORTED'));
  });

  it('report a missing file or a folder as IO_ERROR', async () => {
    await expect(digestFile(join(dir, 'nope'))).rejects.toSatisfy((e) => isSignetError(e, 'IO_ERROR'));
    await expect(digestFile(dir)).rejects.toSatisfy((e) => isSignetError(e, 'IO_ERROR'));
  });
});
