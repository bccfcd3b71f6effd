// File hashing: our streaming digest against `openssl dgst -sha256` on the same 1 GiB file.
import { randomFillSync } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { digestFile } from '@signet/sdk';
import { exec, fmt, ratio, table } from './lib/measure.mjs';

const SIZE = 1 << 30;

async function ensureFile(dir) {
  const path = join(dir, 'hash-1GiB.bin');
  const existing = await stat(path).catch(() => undefined);
  if (existing?.size === SIZE) return path;
  const handle = await open(path, 'w');
  const chunk = Buffer.alloc(16 << 20);
  for (let written = 0; written < SIZE; written += chunk.length) await handle.write(randomFillSync(chunk));
  await handle.close();
  return path;
}

async function timeIt(fn) {
  const start = performance.now();
  const result = await fn();
  return { seconds: (performance.now() - start) / 1000, result };
}

export async function benchHashing(dir) {
  const path = await ensureFile(dir);
  // Warm the page cache once so both sides read from memory, then alternate twice each.
  await exec('openssl', ['dgst', '-sha256', path]);
  const ours = [];
  const theirs = [];
  for (let i = 0; i < 2; i++) {
    ours.push((await timeIt(() => digestFile(path))).seconds);
    theirs.push((await timeIt(() => exec('openssl', ['dgst', '-sha256', path]))).seconds);
  }
  const mibs = (s) => SIZE / (1 << 20) / Math.min(...s);
  const rows = [
    ['digestFile (sha256)', fmt(mibs(ours)), ratio(mibs(ours), mibs(theirs))],
    ['openssl dgst -sha256', fmt(mibs(theirs)), '1.00×'],
  ];
  console.log('\nFile hashing, 1 GiB, best of 2 (page cache warm)\n');
  table(['', 'MiB/s', 'vs openssl'], rows);
  return { oursMiBs: mibs(ours), opensslMiBs: mibs(theirs) };
}
