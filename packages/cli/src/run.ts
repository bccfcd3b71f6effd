import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { SignetError } from '@signet/sdk';
import { registerApprovals } from './commands/approvals.js';
import { registerAttest } from './commands/attest.js';
import { registerAudit } from './commands/audit.js';
import { registerJobs } from './commands/jobs.js';
import { registerDigest } from './commands/digest.js';
import { registerKeys } from './commands/keys.js';
import { registerPolicy } from './commands/policy.js';
import { registerSign } from './commands/sign.js';
import { registerVerify } from './commands/verify.js';
import { createContext, outputFor, type Context, type GlobalOptions, type RunIO } from './context.js';
import { EXIT, EXIT_MEANINGS } from './exit-codes.js';
import type { Result } from './output.js';

/** A command's work: takes the context and commander's arguments, returns what to print. */
export type Handler = (ctx: Context, ...args: never[]) => Promise<Result>;
/** Wraps a {@link Handler} as a commander action that opens and closes the context. */
export type Act = (handler: Handler) => (...args: unknown[]) => Promise<void>;

export type RunOptions = Partial<RunIO>;

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * Runs `signet` with `argv` (the arguments after the program name) and returns the exit status.
 * Never throws and never exits the process: tests call it in-process with their own streams.
 *
 * @example
 * ```ts
 * const status = await run(['digest', 'app.tgz'], { env: {}, stdout, stderr, cwd: '/tmp' });
 * ```
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const io: RunIO = {
    env: options.env ?? process.env,
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal,
  };
  let ctx: Context | undefined;
  const act: Act =
    (handler) =>
    async (...args) => {
      const command = args.at(-1) as Command;
      ctx = createContext(io, command.optsWithGlobals<GlobalOptions>());
      ctx.out.result(await handler(ctx, ...(args.slice(0, -1) as never[])));
    };
  const program = buildProgram(io, act);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx?.out.flush() ?? EXIT.OK;
  } catch (error) {
    const out = ctx?.out ?? outputFor(io, earlyFlags(argv));
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.OK; // --help, --version
      if (error.code === 'commander.help' && !out.json) return EXIT.USAGE; // no command: the help went to stderr
      const message = error.code === 'commander.help' ? 'a command is missing' : error.message.replace(/^error: /, '');
      return out.fail(new SignetError('INVALID_ARGUMENT', usageMessage(message, argv)));
    }
    return out.fail(error);
  } finally {
    await ctx?.close().catch(() => undefined);
  }
}

/** The commander program: global flags, commands, help with exit statuses. */
export function buildProgram(io: RunIO, act: Act): Command {
  const program = new Command('signet')
    .description('Sign and verify files with keys that never leave their provider.')
    .version(version, '-V, --version')
    .option('--json', 'print one JSON document on stdout, errors included')
    .option('-q, --quiet', 'print only data and errors, no status lines')
    .option('--no-progress', 'never draw a progress bar')
    .option('--keystore <dir>', 'software key store folder (env SIGNET_KEYSTORE)')
    .option('--server <url>', 'sign through a Signet server (env SIGNET_SERVER; token in SIGNET_TOKEN)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => undefined, // errors are printed once, by Output.fail
    })
    .showSuggestionAfterError(true);
  registerKeys(program, act);
  registerSign(program, act);
  registerAttest(program, act);
  registerVerify(program, act);
  registerDigest(program, act);
  registerPolicy(program, act);
  registerAudit(program, act);
  registerApprovals(program, act);
  registerJobs(program, act);
  program.addHelpText('after', programHelp);
  return program;
}

const programHelp = `
Examples:
  $ export SIGNET_PASSPHRASE_FILE=~/.signet/passphrase
  $ signet keys create release --type ec-p256
  $ signet keys cert soft://release --subject "CN=Example Release"
  $ signet sign app.tgz --key soft://release          # writes app.tgz.p7s
  $ signet verify app.tgz --key soft://release

Keys in an HSM or a cloud KMS: name their providers in $SIGNET_HOME/config.yaml, then use
their key URIs (pkcs11:token=ci;object=release) with every command. Secrets such as the PIN
come from the environment, never from the file:
  providers:
    - use: '@signet/provider-pkcs11'       # or @signet/provider-aws, -gcp, -azure, ./my-provider.mjs
      options: { module: /usr/lib/softhsm/libsofthsm2.so, token: ci }   # PIN: SIGNET_PKCS11_PIN

Environment:
  SIGNET_HOME             default ~/.signet; the key store is $SIGNET_HOME/keys
  SIGNET_CONFIG           configuration file (default $SIGNET_HOME/config.yaml)
  SIGNET_KEYSTORE         key store folder (--keystore wins)
  SIGNET_PASSPHRASE       passphrase of the key store
  SIGNET_PASSPHRASE_FILE  file holding the passphrase
  SIGNET_MASTER_KEY       instead of a passphrase: 32 bytes, hex or base64
  SIGNET_MASTER_KEY_FILE  file holding the master key
  SIGNET_DEBUG=1          print stack traces

Exit status:
${EXIT_MEANINGS.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join('\n')}`;

/** `--json` and `--quiet` when the command line did not parse. */
function earlyFlags(argv: readonly string[]): GlobalOptions {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  return { json: flags.includes('--json'), quiet: flags.includes('--quiet') || flags.includes('-q') };
}

/** A usage error, with a pointer to the help unless commander already suggests a fix. */
function usageMessage(message: string, argv: readonly string[]): string {
  if (message.includes('Did you mean')) return message;
  const command = argv.find((a) =>
    ['keys', 'sign', 'attest', 'verify', 'digest', 'policy', 'audit', 'approvals', 'jobs'].includes(a),
  );
  return `${message}; see signet ${command ? `${command} ` : ''}--help`;
}
