import { formatBytes, type OutStream } from './output.js';

/** Work smaller than this finishes before a bar would be worth reading. */
export const PROGRESS_THRESHOLD = 64 * 1024 * 1024;

/** Redraws at most this often, in milliseconds. */
const INTERVAL = 100;

export interface Progress {
  /** Reports the bytes done so far across all the work. */
  update(done: number): void;
  /** Clears the bar, leaving the line empty. Safe to call twice. */
  done(): void;
}

export interface ProgressOptions {
  stream: OutStream;
  /** Total bytes of the work. */
  total: number;
  /** Shown before the bar, e.g. `hashing`. */
  label: string;
  /** `false` for `--no-progress` and `--quiet`. Default true. */
  enabled?: boolean;
  /** Clock in milliseconds; tests pass their own. */
  now?: () => number;
}

const NONE: Progress = { update() {}, done() {} };

/**
 * A one-line progress bar on stderr: bytes, percent and throughput. Drawn only when the stream is
 * a terminal and the work is large enough to wait for; otherwise a no-op.
 *
 * ```
 * hashing  [##########..........]  52%  1.6 GiB / 3.0 GiB  812 MiB/s
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const { stream, total, label } = options;
  if (options.enabled === false || !stream.isTTY || total < PROGRESS_THRESHOLD) return NONE;
  const now = options.now ?? Date.now;
  const started = now();
  let drawn = -Infinity;
  let visible = false;
  let finished = false;

  return {
    update(done) {
      const t = now();
      if (finished || t - drawn < INTERVAL) return;
      drawn = t;
      visible = true;
      stream.write(`\r${render(label, done, total, (t - started) / 1000, stream.columns || 80)}\x1b[K`);
    },
    done() {
      if (finished) return;
      finished = true;
      if (visible) stream.write('\r\x1b[2K');
    },
  };
}

/** The bar line, fitted to `columns`. */
export function render(label: string, done: number, total: number, seconds: number, columns: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const amount = `${formatBytes(done)} / ${formatBytes(total)}`;
  const rate = seconds > 0.2 ? `${formatBytes(done / seconds)}/s` : '';
  const tail = `  ${percent}  ${amount}${rate ? `  ${rate}` : ''}`;
  const width = Math.max(0, Math.min(30, columns - 1 - label.length - 4 - tail.length));
  if (width < 5) return `${label}${tail}`.slice(0, Math.max(0, columns - 1));
  const filled = Math.round(fraction * width);
  return `${label}  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${tail}`;
}
