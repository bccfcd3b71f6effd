import { basename } from 'node:path';
import { SignetError } from '@signet/sdk';
import type { CmsSignOptions } from '@signet/sdk/formats/cms';
import { signJar, type JarSignResult } from '@signet/sdk/formats/jar';
import type { Context } from '../context.js';
import type { InputFile, OutputFile } from '../files.js';
import { keySigner } from '../key-signer.js';
import { table, type Result } from '../output.js';

/**
 * `signet sign --format jar`: signs each JAR the way jarsigner does, in place or into `--out`. The
 * JAR is read and rewritten here; only the digest of each signature file's signed attributes goes
 * to the key, through the engine (one request per JAR, each its own audited signature).
 */
export async function signJars(
  ctx: Context,
  uri: string,
  inputs: readonly InputFile[],
  targets: readonly Omit<OutputFile, 'data'>[],
  options: { algorithm?: string; signerName?: string; cms?: Omit<CmsSignOptions, 'signal'> },
): Promise<Result> {
  const { signer, viaEngine } = await keySigner(ctx, uri, {
    format: 'jar',
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
  });
  if (signer.key.certificates.length === 0) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `${uri} has no certificate, which a signed JAR carries: run "signet keys cert ${uri}" or "signet keys import-cert" first`,
    );
  }
  const progress = ctx.progress(
    inputs.reduce((sum, input) => sum + input.size, 0),
    'signing',
  );
  const results: JarSignResult[] = [];
  try {
    let before = 0;
    for (const [i, input] of inputs.entries()) {
      // Entries, not bytes, are what signJar counts: spread them over the file's size for the bar.
      const result = await signJar(
        viaEngine.forArtifact({ name: basename(input.name) }),
        { input: input.path, output: targets[i]!.path },
        {
          ...(options.signerName ? { name: options.signerName } : {}),
          ...(options.cms ? { cms: options.cms } : {}),
          signal: ctx.signal,
          onProgress: ({ phase, entries, total }) => {
            const share = total === 0 ? 1 : entries / total;
            progress.update(before + input.size * (phase === 'digest' ? share / 2 : 0.5 + share / 2));
          },
        },
      );
      before += input.size;
      results.push(result);
    }
  } finally {
    progress.done();
  }
  const how = `${signer.algorithm.id}, jar`;
  return {
    status: true,
    text:
      inputs.length === 1
        ? `Signed ${inputs[0]!.name} -> ${targets[0]!.name} (${how}, ${results[0]!.entries} entries, ${results[0]!.blockFile})`
        : `Signed with ${signer.key.uri} (${how}):\n${table(inputs.map((input, i) => ['  ' + input.name, '->', targets[i]!.name, `${results[i]!.entries} entries`]))}`,
    json: {
      key: signer.key.uri,
      algorithm: signer.algorithm.id,
      format: 'jar',
      signatures: inputs.map((input, i) => ({
        file: input.name,
        signed: targets[i]!.name,
        entries: results[i]!.entries,
        signerName: results[i]!.signerName,
        blockFile: results[i]!.blockFile,
      })),
    },
  };
}
