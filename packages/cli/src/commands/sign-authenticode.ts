import { basename } from 'node:path';
import { SignetError } from '@signet/sdk';
import { signAuthenticode, type AuthenticodeSignResult } from '@signet/sdk/formats/authenticode';
import type { CmsTimestamper } from '@signet/sdk/formats/cms';
import type { Context } from '../context.js';
import type { InputFile, OutputFile } from '../files.js';
import { keySigner } from '../key-signer.js';
import { table, type Result } from '../output.js';

/**
 * `signet sign --format authenticode`: signs Windows executables and DLLs in place (or into
 * `--out`). The Authenticode digest is computed here; only the signed attributes' digest goes to
 * the key, through the engine (one request per file).
 */
export async function signPeFiles(
  ctx: Context,
  uri: string,
  inputs: readonly InputFile[],
  targets: readonly Omit<OutputFile, 'data'>[],
  options: { algorithm?: string; nested?: boolean; timestamp?: CmsTimestamper },
): Promise<Result> {
  const { signer, viaEngine } = await keySigner(ctx, uri, {
    format: 'authenticode',
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
  });
  if (signer.key.certificates.length === 0) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `${uri} has no certificate, which an Authenticode signature carries: run "signet keys cert ${uri}" or "signet keys import-cert" first`,
    );
  }
  const progress = ctx.progress(
    inputs.reduce((sum, input) => sum + input.size, 0),
    'signing',
  );
  const results: AuthenticodeSignResult[] = [];
  try {
    let before = 0;
    for (const [i, input] of inputs.entries()) {
      results.push(
        await signAuthenticode(
          viaEngine.forArtifact({ name: basename(input.name) }),
          { input: input.path, output: targets[i]!.path },
          {
            ...(options.nested ? { nested: true } : {}),
            ...(options.timestamp ? { timestamp: options.timestamp } : {}),
            signal: ctx.signal,
            onProgress: (done) => progress.update(before + done),
          },
        ),
      );
      before += input.size;
    }
  } finally {
    progress.done();
  }
  const how = `${signer.algorithm.id}, authenticode`;
  return {
    status: true,
    text:
      inputs.length === 1
        ? `Signed ${inputs[0]!.name} -> ${targets[0]!.name} (${how}, ${results[0]!.kind}${results[0]!.nested ? ', nested' : ''})`
        : `Signed with ${signer.key.uri} (${how}):\n${table(inputs.map((input, i) => ['  ' + input.name, '->', targets[i]!.name, results[i]!.kind]))}`,
    json: {
      key: signer.key.uri,
      algorithm: signer.algorithm.id,
      format: 'authenticode',
      signatures: inputs.map((input, i) => ({
        file: input.name,
        signed: targets[i]!.name,
        kind: results[i]!.kind,
        nested: results[i]!.nested,
        digest: Buffer.from(results[i]!.digest).toString('hex'),
      })),
    },
  };
}
