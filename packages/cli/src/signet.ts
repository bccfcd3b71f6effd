/*
 * The `signet` executable. Everything else is in `run`, which tests call in-process; this file
 * only connects it to the real process: arguments, streams, Ctrl-C and the exit status.
 */
import { run } from './run.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: controller.signal,
});
