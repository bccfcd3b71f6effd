import { Option, type Command } from 'commander';
import type { HashAlgorithm } from '@signet/sdk';
import { digestInputs, statInputs } from '../files.js';
import type { Act } from '../run.js';

interface DigestOptions {
  algorithm: HashAlgorithm;
}

export function registerDigest(program: Command, act: Act): void {
  program
    .command('digest')
    .description('print the digest of files, like sha256sum')
    .argument('<file...>', 'files to hash')
    .addOption(
      new Option('-a, --algorithm <hash>', 'hash function').choices(['sha256', 'sha384', 'sha512']).default('sha256'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ signet digest app.tgz
  $ signet digest --algorithm sha512 dist/*.jar
  $ signet digest app.tgz > app.tgz.sha256 && sha256sum -c app.tgz.sha256`,
    )
    .action(
      act(async (ctx, names: string[], options: DigestOptions) => {
        const inputs = await statInputs(ctx, names);
        const digests = await digestInputs(ctx, inputs, options.algorithm);
        const files = inputs.map((input, i) => ({ file: input.name, size: input.size, digest: hex(digests[i]!) }));
        return {
          json: { algorithm: options.algorithm, files },
          text: files.map((f) => checksumLine(f.digest, f.file)).join('\n'),
        };
      }),
    );
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** One `sha256sum` line; names with a backslash or newline are escaped the way coreutils does. */
export function checksumLine(digest: string, name: string): string {
  if (!/[\\\n\r]/.test(name)) return `${digest}  ${name}`;
  const escaped = name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `\\${digest}  ${escaped}`;
}
