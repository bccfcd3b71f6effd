import { basename } from 'node:path';
import { readFileInChunks, SignetError } from '@signet/sdk';
import { createPgpHash, pgpAlgorithmFor, signPgpHash } from '@signet/sdk/formats/pgp';
import type { Context } from '../context.js';
import { ioError, writeOutputs, type InputFile, type OutputFile } from '../files.js';
import { keySigner } from '../key-signer.js';
import type { Result } from '../output.js';
import { signedSummary } from './sign-summary.js';

/**
 * `signet sign --format pgp`: detached, armored OpenPGP signatures (`FILE.asc`). Each file is
 * hashed here, with the signature's own fields appended; the final digests go to the key together,
 * as one request to the engine (one decision, one approval for all the files).
 */
export async function signPgp(
  ctx: Context,
  uri: string,
  inputs: readonly InputFile[],
  targets: readonly Omit<OutputFile, 'data'>[],
  options: { algorithm?: string; force?: boolean },
): Promise<Result> {
  const { signer, viaEngine } = await keySigner(ctx, uri, {
    format: 'pgp',
    algorithm: options.algorithm ?? pgpAlgorithmFor,
  });
  if (signer.algorithm.scheme === 'pss') {
    throw new SignetError(
      'UNSUPPORTED_ALGORITHM',
      'OpenPGP v4 signs RSA with PKCS#1 v1.5, not PSS: leave out --algorithm',
    );
  }
  const hashes = [];
  const progress = ctx.progress(
    inputs.reduce((sum, input) => sum + input.size, 0),
    'hashing',
  );
  try {
    let before = 0;
    for (const input of inputs) {
      const hash = createPgpHash(signer);
      await readFileInChunks(
        input.path,
        (chunk) => {
          hash.update(chunk);
          progress.update(before + hash.bytes);
        },
        ctx.signal,
      ).catch((cause: unknown) => {
        if (cause instanceof SignetError && cause.code === 'IO_ERROR') throw ioError(input.name, cause.cause);
        throw cause;
      });
      before += hash.bytes;
      hashes.push(hash);
    }
  } finally {
    progress.done();
  }
  const signatures = await Promise.all(
    hashes.map((hash, i) =>
      signPgpHash(viaEngine.forArtifact({ name: basename(inputs[i]!.name) }), hash, { signal: ctx.signal }),
    ),
  );
  await writeOutputs(
    targets.map((target, i) => ({ ...target, data: signatures[i]! })),
    options.force === true,
  );
  return signedSummary(signer, 'pgp', inputs, targets);
}
