import type { Command } from 'commander';
import { SignetError } from '@signet/sdk';
import { exportPgpPublicKey, pgpAlgorithmFor } from '@signet/sdk/formats/pgp';
import type { Context } from '../context.js';
import { keyUri } from '../describe.js';
import { assertWritable, writeOutputs } from '../files.js';
import { keySigner } from '../key-signer.js';
import type { Result } from '../output.js';
import type { Act } from '../run.js';

interface ExportOptions {
  userId: string;
  created?: string;
  out?: string;
  force?: boolean;
}

/** `signet keys export-pgp`: any provider's key as an OpenPGP public key, for gpg, sq and Maven Central. */
export function registerKeysPgp(keys: Command, act: Act): void {
  keys
    .command('export-pgp')
    .description('export a key as an OpenPGP public key (armored), self-signed through the key itself')
    .argument('<uri>', 'key URI: RSA or NIST P-256/P-384/P-521, any provider')
    .requiredOption('-u, --user-id <id>', 'the User ID, e.g. "Acme Release <release@acme.example>"')
    .option('--created <time>', "the OpenPGP key's creation time (ISO 8601); it is part of the fingerprint")
    .option('-o, --out <file>', 'write the key to a file instead of stdout')
    .option('-f, --force', 'replace an existing --out file')
    .addHelpText(
      'after',
      `
The key's creation time is part of its OpenPGP fingerprint: by default the provider's creation
date of the key, else the Unix epoch. Pass the same --created to "signet sign --format pgp" if
you set one here.

Examples:
  $ signet keys export-pgp soft://release -u "Acme Release <release@acme.example>" -o release.asc
  $ gpg --import release.asc
  $ signet sign app.jar --key soft://release --format pgp && gpg --verify app.jar.asc app.jar`,
    )
    .action(act(async (ctx, uri: string, options: ExportOptions) => exportKey(ctx, keyUri(uri), options)));
}

async function exportKey(ctx: Context, uri: string, options: ExportOptions): Promise<Result> {
  const out = options.out === undefined ? undefined : { name: options.out, path: ctx.path(options.out) };
  if (out) await assertWritable([out], options.force === true);
  const keyCreatedAt = options.created === undefined ? undefined : new Date(options.created);
  if (keyCreatedAt && Number.isNaN(keyCreatedAt.getTime()))
    throw new SignetError('INVALID_ARGUMENT', `--created must be an ISO 8601 time, not "${options.created}"`);
  const { signer, viaEngine } = await keySigner(ctx, uri, { format: 'pgp-key', algorithm: pgpAlgorithmFor });
  const exported = await exportPgpPublicKey(viaEngine.forArtifact({ name: `${signer.key.name}.asc` }), {
    userId: options.userId,
    ...(keyCreatedAt ? { keyCreatedAt } : {}),
    signal: ctx.signal,
  });
  if (out) await writeOutputs([{ ...out, data: exported.armored }], options.force === true);
  return {
    status: Boolean(out),
    json: {
      uri,
      userId: options.userId,
      fingerprint: exported.fingerprint,
      keyId: exported.keyId,
      createdAt: exported.createdAt.toISOString(),
      key: exported.armored,
      ...(out ? { out: out.name } : {}),
    },
    text: out ? `Wrote the OpenPGP key ${exported.fingerprint} of ${uri} to ${out.name}` : exported.armored.trimEnd(),
  };
}
