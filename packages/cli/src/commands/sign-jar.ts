import type { CmsSignOptions } from '@signet/sdk/formats/cms';
import { signJar } from '@signet/sdk/formats/jar';
import type { Context } from '../context.js';
import type { InputFile, OutputFile } from '../files.js';
import type { Result } from '../output.js';
import { signInPlace } from './sign-in-place.js';
import { signedSummary } from './sign-summary.js';

/**
 * `signet sign --format jar`: signs each JAR the way jarsigner does, in place or into `--out`;
 * only the digest of each signature file's signed attributes goes to the key.
 */
export async function signJars(
  ctx: Context,
  uri: string,
  inputs: readonly InputFile[],
  targets: readonly Omit<OutputFile, 'data'>[],
  options: { algorithm?: string; signerName?: string; cms?: Omit<CmsSignOptions, 'signal'> },
): Promise<Result> {
  const { signer, results } = await signInPlace(ctx, uri, inputs, targets, {
    format: 'jar',
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
    signOne: (forFile, input, output, onProgress) =>
      signJar(
        forFile,
        { input: input.path, output },
        {
          ...(options.signerName ? { name: options.signerName } : {}),
          ...(options.cms ? { cms: options.cms } : {}),
          signal: ctx.signal,
          // signJar counts entries in two phases (digest, write): spread them over the file's bytes.
          onProgress: ({ phase, entries, total }) => {
            const share = total === 0 ? 1 : entries / total;
            onProgress(input.size * (phase === 'digest' ? share / 2 : 0.5 + share / 2));
          },
        },
      ),
  });
  return signedSummary(signer, 'jar', inputs, targets, (i) => ({
    text: `${results[i]!.entries} entries, ${results[i]!.blockFile}`,
    json: { entries: results[i]!.entries, signerName: results[i]!.signerName, blockFile: results[i]!.blockFile },
  }));
}
