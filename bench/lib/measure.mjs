// Small measuring tools shared by the benchmarks. Numbers are only compared within one run.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const exec = promisify(execFile);

/** Runs `fn` (sync or async) repeatedly for about `seconds`; returns operations per second. */
export async function opsPerSecond(fn, seconds = 1.5) {
  for (let i = 0; i < 20; i++) await fn(); // warm up JIT, caches and lazy key loading
  const deadline = performance.now() + seconds * 1000;
  let ops = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 10; i++) await fn();
    ops += 10;
  }
  return ops / ((performance.now() - start) / 1000);
}

/** Operations per second with `inFlight` callers each awaiting `fn` in a loop (a server's load). */
export async function opsPerSecondConcurrent(fn, inFlight, seconds = 1.5) {
  for (let i = 0; i < 20; i++) await fn();
  const deadline = performance.now() + seconds * 1000;
  let ops = 0;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      await fn();
      ops++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return ops / ((performance.now() - start) / 1000);
}

/** Same for a synchronous function, without awaiting (the baseline of a direct library call). */
export function opsPerSecondSync(fn, seconds = 1.5) {
  for (let i = 0; i < 20; i++) fn();
  const deadline = performance.now() + seconds * 1000;
  let ops = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 10; i++) fn();
    ops += 10;
  }
  return ops / ((performance.now() - start) / 1000);
}

export const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

/** Prints rows as an aligned table. */
export function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
