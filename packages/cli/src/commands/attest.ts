import { basename } from 'node:path';
import type { Command } from 'commander';
import { SignetError } from '@signet/sdk';
import { createInTotoStatement, publicKeyHint } from '@signet/sdk/formats/dsse';
import type { Context } from '../context.js';
import { keyUri } from '../describe.js';
import { assertWritable, digestInputs, readInput, statInputs, writeOutputs } from '../files.js';
import { keySigner } from '../key-signer.js';
import { warnIfSigstoreRefuses } from '../sigstore-compat.js';
import type { Result } from '../output.js';
import type { Act } from '../run.js';
import { attestationBundle } from './sign-dsse.js';

interface AttestOptions {
  key: string;
  predicateType: string;
  predicate?: string;
  algorithm?: string;
  out?: string;
  force?: boolean;
}

export function registerAttest(program: Command, act: Act): void {
  program
    .command('attest')
    .description('sign an in-toto statement about files (e.g. SLSA provenance) into a Sigstore bundle')
    .argument('<subject...>', 'files the statement is about (hashed here with SHA-256)')
    .requiredOption('-k, --key <uri>', 'signing key, e.g. soft://release')
    .requiredOption('-t, --predicate-type <uri>', 'the predicate type, e.g. https://slsa.dev/provenance/v1')
    .option('-p, --predicate <file>', 'the predicate, a JSON object (default: none)')
    .option('-a, --algorithm <id>', "signature algorithm (default: the key's)")
    .option('-o, --out <path>', 'the bundle (default: FIRST-SUBJECT.sigstore.json)')
    .option('--force', 'replace an existing bundle')
    .addHelpText(
      'after',
      `
The statement names each subject by its file name and SHA-256; only the digest of its DSSE
encoding reaches the key provider. The bundle (Sigstore v0.3, public-key verification material)
verifies with the key's public key: P-256 and RSA PKCS#1 keys pass sigstore's verifier.

Examples:
  $ signet attest app.tgz app.sbom.json --key soft://release \\
      --predicate-type https://slsa.dev/provenance/v1 --predicate provenance.json
  $ signet attest dist/*.whl --key soft://release -t https://example.com/tested/v1 -o tested.sigstore.json`,
    )
    .action(act(async (ctx, names: string[], options: AttestOptions) => attest(ctx, names, options)));
}

async function attest(ctx: Context, names: string[], options: AttestOptions): Promise<Result> {
  const uri = keyUri(options.key);
  const inputs = await statInputs(ctx, names);
  const predicate = options.predicate === undefined ? undefined : await readPredicate(ctx, options.predicate);
  const outName = options.out ?? `${names[0]!}.sigstore.json`;
  const target = { name: outName, path: ctx.path(outName) };
  if (inputs.some((input) => input.path === target.path)) {
    throw new SignetError('INVALID_ARGUMENT', `${outName} would be written over a subject`);
  }
  await assertWritable([target], options.force === true);

  const digests = (await digestInputs(ctx, inputs, 'sha256')).map((d) => Buffer.from(d).toString('hex'));
  const subjects = inputs.map((input, i) => ({ name: basename(input.name), digest: { sha256: digests[i]! } }));
  const statement = createInTotoStatement({
    subjects,
    predicateType: options.predicateType,
    ...(predicate ? { predicate } : {}),
  });
  const { signer, viaEngine } = await keySigner(ctx, uri, {
    format: 'dsse',
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
  });
  warnIfSigstoreRefuses(ctx, signer);
  // One signature covers every subject: the audit log names them all, with the digest of the one.
  const artifact = {
    name: subjects.map((s) => s.name).join(', '),
    ...(subjects.length === 1 ? { digest: digests[0]! } : {}),
  };
  const bundle = await attestationBundle(
    ctx,
    viaEngine.forArtifact(artifact),
    statement,
    publicKeyHint(signer.key.publicKey),
  );
  await writeOutputs([{ ...target, data: bundle }], options.force === true);
  return {
    status: true,
    text: `Attested ${names.join(', ')} -> ${outName} (${signer.algorithm.id}, ${options.predicateType})`,
    json: {
      key: signer.key.uri,
      algorithm: signer.algorithm.id,
      format: 'dsse',
      bundle: outName,
      predicateType: options.predicateType,
      subjects,
    },
  };
}

/** The predicate file: a JSON object, or a clear error. */
async function readPredicate(ctx: Context, name: string): Promise<Record<string, unknown>> {
  const text = (await readInput(ctx, name)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new SignetError('INVALID_ARGUMENT', `${name} is not JSON`, { cause, details: { path: name } });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SignetError('INVALID_ARGUMENT', `${name} must hold a JSON object (the predicate)`, {
      details: { path: name },
    });
  }
  return value as Record<string, unknown>;
}
