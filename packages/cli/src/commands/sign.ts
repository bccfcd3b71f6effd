import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Option, type Command } from 'commander';
import { getAlgorithm, isSignetError, SignetError, type Signer } from '@signet/sdk';
import { cmsToPem, signCms, type CmsSignOptions } from '@signet/sdk/formats/cms';
import { createTimestampClient } from '@signet/sdk/timestamp';
import { signRaw } from '@signet/sdk/formats/raw';
import type { Context } from '../context.js';
import { keyUri } from '../describe.js';
import { assertWritable, digestInputs, statInputs, writeOutputs, type InputFile, type OutputFile } from '../files.js';
import { keySigner } from '../key-signer.js';
import type { Result } from '../output.js';
import { pendingSigningTime } from '../pending-signing-time.js';
import type { Act } from '../run.js';
import { signPeFiles } from './sign-authenticode.js';
import { signJars } from './sign-jar.js';
import { signPgp } from './sign-pgp.js';
import { signedSummary } from './sign-summary.js';
import { signDsseFiles } from './sign-dsse.js';
import type { SignatureFormat } from '../signature-file.js';

/** What `signet sign` makes: a signature file beside each input. */
type SignFormat = SignatureFormat | 'pgp' | 'jar' | 'dsse' | 'authenticode';

interface SignOptions {
  key: string;
  format?: SignFormat;
  algorithm?: string;
  out?: string;
  base64?: boolean;
  force?: boolean;
  timestamp: string[];
  signerName?: string;
  nested?: boolean;
}

/** A signed JAR replaces its input (as jarsigner does) unless `--out` names another place. */
const EXTENSIONS: Readonly<Record<SignFormat, string>> = {
  cms: '.p7s',
  raw: '.sig',
  pgp: '.asc',
  jar: '',
  dsse: '.sigstore.json',
  authenticode: '',
};

/** Formats whose signature goes into the file itself, by file name: the rest default to cms. */
const EMBEDDED: ReadonlyArray<readonly [RegExp, SignFormat]> = [
  [/\.(jar|war|ear|aar)$/i, 'jar'],
  [/\.(exe|dll|sys|ocx|cpl|scr|efi)$/i, 'authenticode'],
];

/** The format for `names` when `--format` is not given: jar, authenticode, else cms. */
function detectSignFormat(names: readonly string[]): SignFormat {
  const formats = new Set(names.map((name) => EMBEDDED.find(([pattern]) => pattern.test(name))?.[1] ?? 'cms'));
  if (formats.size === 1) return [...formats][0]!;
  throw new SignetError(
    'INVALID_ARGUMENT',
    `These files want different formats (${[...formats].join(', ')}): sign them apart, or give --format`,
  );
}

export function registerSign(program: Command, act: Act): void {
  program
    .command('sign')
    .description(
      'sign JARs and Windows executables in place, or other files into FILE.p7s (CMS), FILE.sig (raw), FILE.asc (OpenPGP) or FILE.sigstore.json (DSSE)',
    )
    .argument('<file...>', 'files to sign')
    .requiredOption('-k, --key <uri>', 'signing key, e.g. soft://release')
    .addOption(
      new Option(
        '-f, --format <format>',
        'signature format (default: jar for .jar/.war/.ear/.aar, authenticode for .exe/.dll/.sys, else cms)',
      ).choices(['cms', 'raw', 'pgp', 'jar', 'authenticode', 'dsse']),
    )
    .option('-a, --algorithm <id>', "signature algorithm (default: the key's)")
    .option('-o, --out <path>', 'output file, or a folder for several files')
    .option('--base64', 'write text: base64 (raw) or PEM (cms) instead of binary')
    .option('--force', 'replace existing signature files')
    .option(
      '--timestamp <url>',
      'RFC 3161 timestamp authority for cms and jar (repeatable: tried in order)',
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option('--nested', 'authenticode: keep an existing signature and add this one beside it')
    .option('--signer-name <name>', "jar: the signature files' name in META-INF (default: from the key name)")
    .addHelpText(
      'after',
      `
Only each file's digest reaches the key provider; the file itself stays here.
CMS signatures carry the key's certificate: create one first with "signet keys cert".
OpenPGP signatures verify with the key "signet keys export-pgp" writes (gpg --import).

Examples:
  $ signet sign app.tgz --key soft://release                   # app.tgz.p7s
  $ signet sign app.jar --key soft://release --timestamp https://tsa.example/tsr   # signed in place
  $ signet sign setup.exe --key soft://release --timestamp https://tsa.example/tsr # Authenticode, in place
  $ signet sign app.tgz --key soft://release --format raw      # app.tgz.sig
  $ signet sign app.jar app.pom --key soft://release --format pgp   # .asc files, as Maven Central wants
  $ signet sign dist/*.jar --key soft://release --out signatures/
  $ signet sign app.tgz --key soft://release --format dsse     # app.tgz.sigstore.json (in-toto, Sigstore bundle)
  $ openssl cms -verify -binary -inform DER -in app.tgz.p7s -content app.tgz \\
      -CAfile release.pem -purpose any -out /dev/null`,
    )
    .action(act(async (ctx, names: string[], options: SignOptions) => sign(ctx, names, options)));
}

async function sign(ctx: Context, names: string[], options: SignOptions): Promise<Result> {
  const algorithm = options.algorithm === undefined ? undefined : getAlgorithm(options.algorithm).id;
  const uri = keyUri(options.key);
  const force = options.force === true;
  const inputs = await statInputs(ctx, names);
  const chosen = options.format ?? detectSignFormat(names);
  const targets = await outputTargets(ctx, inputs, { ...options, format: chosen });
  const inPlace = EXTENSIONS[chosen] === '' && options.out === undefined;
  if (!inPlace) await assertWritable(targets, force);
  if (options.timestamp.length > 0 && !['cms', 'jar', 'authenticode'].includes(chosen))
    throw new SignetError(
      'INVALID_ARGUMENT',
      `--timestamp applies to cms, jar and authenticode signatures, not ${chosen}`,
    );
  const cms =
    options.timestamp.length > 0
      ? { timestamp: { client: createTimestampClient({ urls: options.timestamp }) } }
      : undefined;

  if (chosen === 'pgp') return signPgp(ctx, uri, inputs, targets, options);
  if (chosen === 'dsse') return signDsseFiles(ctx, uri, inputs, targets, options);
  if (chosen === 'authenticode') {
    return signPeFiles(ctx, uri, inputs, targets, {
      ...(options.algorithm ? { algorithm: options.algorithm } : {}),
      ...(options.nested ? { nested: true } : {}),
      ...(cms ? { timestamp: cms.timestamp } : {}),
    });
  }
  if (chosen === 'jar') {
    return signJars(ctx, uri, inputs, targets, {
      ...(options.algorithm ? { algorithm: options.algorithm } : {}),
      ...(options.signerName ? { signerName: options.signerName } : {}),
      ...(cms ? { cms } : {}),
    });
  }
  const format = chosen; // cms or raw from here
  // Through the engine (policy, audit log), all files in one request: one decision, one approval.
  // With a server, the server's engine decides; embedded, the local one.
  const { signer, viaEngine } = await keySigner(ctx, uri, {
    format,
    ...(algorithm ? { algorithm } : {}),
  });
  if (format === 'cms' && signer.key.certificates.length === 0) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `${uri} has no certificate, which a CMS signature carries: run "signet keys cert ${uri}" first, or sign with --format raw`,
    );
  }
  const digests = await digestInputs(ctx, inputs, signer.algorithm.hash);
  // Through a server, a CMS request that waits for approval is asked again with its signing time.
  const pending =
    ctx.remote && format === 'cms'
      ? await pendingSigningTime(ctx.home, { key: uri, algorithm: signer.algorithm.id, digests })
      : undefined;
  const signatures = await Promise.all(
    inputs.map((input, i) => {
      const artifact = { name: basename(input.name), digest: Buffer.from(digests[i]!).toString('hex') };
      return signDigest(ctx, viaEngine.forArtifact(artifact), format, digests[i]!, {
        ...(pending ? { signingTime: pending.signingTime } : {}),
        ...cms,
      });
    }),
  ).catch(async (error: unknown) => {
    if (isSignetError(error, 'APPROVAL_REQUIRED')) await pending?.remember();
    throw error;
  });
  await pending?.forget();
  const outputs: OutputFile[] = targets.map((target, i) => {
    const signature = signatures[i]!;
    return { ...target, data: options.base64 ? textForm(format, signature) : signature };
  });
  await writeOutputs(outputs, force);

  return signedSummary(signer, format, inputs, targets, (i) => ({
    json: { digest: { algorithm: signer.algorithm.hash, value: Buffer.from(digests[i]!).toString('hex') } },
  }));
}

function signDigest(
  ctx: Context,
  signer: Signer,
  format: SignatureFormat,
  digest: Uint8Array,
  cms: Omit<CmsSignOptions, 'signal'>,
): Promise<Uint8Array> {
  return format === 'raw'
    ? signRaw(signer, { digest }, { signal: ctx.signal })
    : signCms(signer, { digest }, { ...cms, signal: ctx.signal });
}

/** Where each signature goes: beside its file, into `--out`, or `--out` itself for one file. */
async function outputTargets(
  ctx: Context,
  inputs: readonly InputFile[],
  options: SignOptions & { format: SignFormat },
): Promise<Omit<OutputFile, 'data'>[]> {
  const extension = EXTENSIONS[options.format];
  let targets: Omit<OutputFile, 'data'>[];
  // In place (JARs, PE files): each file is its own output.
  if (extension === '' && options.out === undefined) return inputs.map(({ name, path }) => ({ name, path }));
  if (options.out === undefined) {
    targets = inputs.map((input) => ({ name: input.name + extension, path: input.path + extension }));
  } else {
    const out = options.out;
    const folder =
      out.endsWith('/') ||
      (await stat(ctx.path(out)).then(
        (s) => s.isDirectory(),
        () => false,
      ));
    if (!folder && inputs.length > 1) {
      throw new SignetError('INVALID_ARGUMENT', `--out must be an existing folder when signing ${inputs.length} files`);
    }
    targets = folder
      ? inputs.map((input) => {
          const name = join(out, basename(input.name) + extension);
          return { name, path: ctx.path(name) };
        })
      : [{ name: out, path: ctx.path(out) }];
  }
  const seen = new Set<string>(inputs.map((input) => input.path));
  for (const target of targets) {
    if (seen.has(target.path)) {
      throw new SignetError('INVALID_ARGUMENT', `${target.name} would be written twice, or over a file being signed`);
    }
    seen.add(target.path);
  }
  return targets;
}

/**
 * A signature as text. Raw: base64 in 64-column lines, which `openssl base64 -d` and `base64 -d`
 * both read. CMS: a PEM `PKCS7` block, which `openssl cms -verify -inform PEM` reads.
 */
function textForm(format: SignatureFormat, bytes: Uint8Array): string {
  if (format === 'cms') return cmsToPem(bytes);
  return Buffer.from(bytes)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n');
}
