import { signAuthenticode } from '@signet/sdk/formats/authenticode';
import type { CmsTimestamper } from '@signet/sdk/formats/cms';
import type { Context } from '../context.js';
import type { InputFile, OutputFile } from '../files.js';
import type { Result } from '../output.js';
import { signInPlace } from './sign-in-place.js';
import { signedSummary } from './sign-summary.js';

/**
 * `signet sign --format authenticode`: signs Windows executables and DLLs in place (or into
 * `--out`); the Authenticode digest is computed here, only the signed attributes' digest travels.
 */
export async function signPeFiles(
  ctx: Context,
  uri: string,
  inputs: readonly InputFile[],
  targets: readonly Omit<OutputFile, 'data'>[],
  options: { algorithm?: string; nested?: boolean; timestamp?: CmsTimestamper },
): Promise<Result> {
  const { signer, results } = await signInPlace(ctx, uri, inputs, targets, {
    format: 'authenticode',
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
    signOne: (forFile, input, output, onProgress) =>
      signAuthenticode(
        forFile,
        { input: input.path, output },
        {
          ...(options.nested ? { nested: true } : {}),
          ...(options.timestamp ? { timestamp: options.timestamp } : {}),
          signal: ctx.signal,
          onProgress: (done) => onProgress(done),
        },
      ),
  });
  return signedSummary(signer, 'authenticode', inputs, targets, (i) => ({
    text: `${results[i]!.kind}${results[i]!.nested ? ', nested' : ''}`,
    json: {
      kind: results[i]!.kind,
      nested: results[i]!.nested,
      digest: Buffer.from(results[i]!.digest).toString('hex'),
    },
  }));
}
