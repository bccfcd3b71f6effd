import { isSignetError, type SignetErrorCode } from '@signet/sdk';
import { exitCodeFor, EXIT, type ExitCode } from './exit-codes.js';

/** The part of a stream the CLI writes to: `process.stdout`, or a buffer in tests. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface OutputOptions {
  stdout: OutStream;
  stderr: OutStream;
  /** Print one JSON document on stdout instead of text. */
  json: boolean;
  /** Drop status lines ("Signed ...", "OK ..."); data and errors still print. */
  quiet: boolean;
  /** Use ANSI dim text on stderr. */
  color: boolean;
  /** Print stack traces and causes (`SIGNET_DEBUG=1`). */
  debug: boolean;
}

/** What a command produced: a JSON document and the same facts as text. */
export interface Result {
  json: unknown;
  text: string;
  /** A status report (suppressed by `--quiet`) rather than data the user asked for. */
  status?: boolean;
  /** The exit status when the command did only part of its work (a provider that did not answer). Default 0. */
  exit?: ExitCode;
}

/**
 * Human or `--json` output. A command hands over its one {@link Result}; `flush` prints it, so
 * stdout carries exactly one document in JSON mode and never a half-finished report.
 */
export interface Output {
  readonly json: boolean;
  readonly quiet: boolean;
  result(result: Result): void;
  /** A warning line on stderr (not in JSON or quiet mode). */
  warn(message: string): void;
  /**
   * A failure that did not stop the command (a provider left out of a list): one line on stderr,
   * as {@link fail} prints it, unless in JSON mode, where the result carries it. Returns its exit status.
   */
  report(subject: string, error: unknown): ExitCode;
  /** Prints the result, if any, and returns the exit status it asks for. */
  flush(): ExitCode;
  /** Prints one error (line on stderr, or the JSON error document) and returns its exit status. */
  fail(error: unknown): ExitCode;
}

export function createOutput(options: OutputOptions): Output {
  let pending: Result | undefined;
  const dim = (s: string): string => (options.color ? `\x1b[2m${s}\x1b[22m` : s);

  return {
    json: options.json,
    quiet: options.quiet,
    result(result) {
      pending = result;
    },
    warn(message) {
      if (!options.json && !options.quiet) options.stderr.write(`signet: ${message}\n`);
    },
    report(subject, error) {
      const { code, message, exit } = describeError(error);
      if (!options.json) options.stderr.write(`signet: ${subject}: ${message} ${dim(`(${code})`)}\n`);
      return exit;
    },
    flush() {
      if (!pending) return EXIT.OK;
      const result = pending;
      pending = undefined;
      if (options.json) options.stdout.write(`${JSON.stringify(result.json, jsonValue, 2)}\n`);
      else if (!(options.quiet && result.status) && result.text) options.stdout.write(ensureNewline(result.text));
      return result.exit ?? EXIT.OK;
    },
    fail(error) {
      pending = undefined;
      const { code, message, exit } = describeError(error);
      if (options.json) {
        // Details are the error's small, non-secret facts (a path, reasons, the first bad index).
        const details = isSignetError(error) && Object.keys(error.details).length > 0 ? { details: error.details } : {};
        options.stdout.write(`${JSON.stringify({ error: { code, message, ...details } }, jsonValue, 2)}\n`);
      } else {
        options.stderr.write(`signet: ${message} ${dim(`(${code})`)}\n`);
      }
      if (options.debug && error instanceof Error) options.stderr.write(`${debugTrace(error)}\n`);
      return exit;
    },
  };
}

/** Error code, one-line message and exit status of anything thrown. */
export function describeError(error: unknown): { code: SignetErrorCode; message: string; exit: ExitCode } {
  if (isSignetError(error)) {
    const errno = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    return { code: error.code, message: oneLine(error.message), exit: exitCodeFor(error.code, errno) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    message: `unexpected error: ${oneLine(message)} (run with SIGNET_DEBUG=1 for details)`,
    exit: EXIT.INTERNAL,
  };
}

function debugTrace(error: Error): string {
  const lines = [error.stack ?? String(error)];
  for (let cause = error.cause, depth = 0; cause !== undefined && depth < 5; depth++) {
    lines.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return lines.join('\n');
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();
const ensureNewline = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);

/** JSON replacer: bytes as base64 (dates are already ISO text through `Date#toJSON`). */
function jsonValue(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** Lays rows out in columns separated by two spaces; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `2025-11-27 06:54:12 UTC` */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `2025-11-27` */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** 1536 → `1.5 KiB` */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
