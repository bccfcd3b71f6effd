import { basename } from 'node:path';
import { SignetError, type Signer } from '@signet/sdk';
import type { Context } from '../context.js';
import type { InputFile, OutputFile } from '../files.js';
import { keySigner } from '../key-signer.js';

/**
 * The formats whose signature goes into the file (JAR, Authenticode): each file read and
 * rewritten here, one engine request per file, the key's certificate chain embedded, one progress
 * bar over the bytes of all files. `signOne` reports its progress in bytes of its file.
 */
export async function signInPlace<R>(
  ctx: Context,
  uri: string,
  inputs: readonly InputFile[],
  targets: readonly Omit<OutputFile, 'data'>[],
  options: {
    format: string;
    algorithm?: string;
    signOne(signer: Signer, input: InputFile, output: string, onProgress: (bytes: number) => void): Promise<R>;
  },
): Promise<{ signer: Signer; results: R[] }> {
  const { signer, viaEngine } = await keySigner(ctx, uri, {
    format: options.format,
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
  });
  if (signer.key.certificates.length === 0) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `${uri} has no certificate, which a ${options.format} signature carries: run "signet keys cert ${uri}" or "signet keys import-cert" first`,
    );
  }
  const progress = ctx.progress(
    inputs.reduce((sum, input) => sum + input.size, 0),
    'signing',
  );
  const results: R[] = [];
  try {
    let before = 0;
    for (const [i, input] of inputs.entries()) {
      const forFile = viaEngine.forArtifact({ name: basename(input.name) });
      results.push(await options.signOne(forFile, input, targets[i]!.path, (bytes) => progress.update(before + bytes)));
      before += input.size;
    }
  } finally {
    progress.done();
  }
  return { signer, results };
}
