import { basename } from 'node:path';
import type { Signer } from '@signet/sdk';
import {
  createInTotoStatement,
  publicKeyHint,
  signInTotoStatement,
  toSigstoreBundle,
  type InTotoStatement,
} from '@signet/sdk/formats/dsse';
import type { Context } from '../context.js';
import { digestInputs, writeOutputs, type InputFile, type OutputFile } from '../files.js';
import { keySigner } from '../key-signer.js';
import { warnIfSigstoreRefuses } from '../sigstore-compat.js';
import type { Result } from '../output.js';
import { signedSummary } from './sign-summary.js';

/**
 * The predicate type of `signet sign --format dsse`: "this key signed these bytes", nothing more.
 * Its predicate is the empty object; use `signet attest` to say more (e.g. SLSA provenance).
 */
export const SIGNATURE_PREDICATE_TYPE = 'https://signet.dev/attestation/signature/v1';

/** The Sigstore bundle (JSON text) of `statement`, signed by `signer` with `hint` naming the key. */
export async function attestationBundle(
  ctx: Context,
  signer: Signer,
  statement: InTotoStatement,
  hint: string,
): Promise<string> {
  const envelope = await signInTotoStatement(signer, statement, { keyid: hint, signal: ctx.signal });
  return `${JSON.stringify(toSigstoreBundle(envelope, { hint }), null, 2)}\n`;
}

/**
 * `signet sign --format dsse`: one Sigstore bundle (`FILE.sigstore.json`) per file, each an
 * in-toto statement about that file alone. Files are hashed here; only each PAE's digest goes to
 * the engine, all in one request (one decision for the call).
 */
export async function signDsseFiles(
  ctx: Context,
  uri: string,
  inputs: readonly InputFile[],
  targets: readonly Omit<OutputFile, 'data'>[],
  options: { algorithm?: string; force?: boolean },
): Promise<Result> {
  const { signer, viaEngine } = await keySigner(ctx, uri, {
    format: 'dsse',
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
  });
  warnIfSigstoreRefuses(ctx, signer);
  const digests = (await digestInputs(ctx, inputs, 'sha256')).map((d) => Buffer.from(d).toString('hex'));
  const hint = publicKeyHint(signer.key.publicKey);
  const bundles = await Promise.all(
    inputs.map((input, i) => {
      const name = basename(input.name);
      const statement = createInTotoStatement({
        subjects: [{ name, digest: { sha256: digests[i]! } }],
        predicateType: SIGNATURE_PREDICATE_TYPE,
        predicate: {},
      });
      return attestationBundle(ctx, viaEngine.forArtifact({ name, digest: digests[i]! }), statement, hint);
    }),
  );
  await writeOutputs(
    targets.map((target, i) => ({ ...target, data: bundles[i]! })),
    options.force === true,
  );
  return signedSummary(signer, 'dsse', inputs, targets, (i) => ({
    json: { digest: { algorithm: 'sha256', value: digests[i]! } },
  }));
}
