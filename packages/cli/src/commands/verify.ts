import { Option, type Command } from 'commander';
import { getAlgorithm, isSignetError, SignetError, type KeyInfo, type SignatureAlgorithmId } from '@signet/sdk';
import { verifyCms } from '@signet/sdk/formats/cms';
import { verifyJar } from '@signet/sdk/formats/jar';
import { verifyRaw } from '@signet/sdk/formats/raw';
import { certificatesFrom } from '@signet/sdk/x509';
import type { Context } from '../context.js';
import { certificateJson, keyUri } from '../describe.js';
import { digestInputs, exists, readInput, statInputs, type InputFile } from '../files.js';
import { readCertificateKey, readPublicKey } from '../key-material.js';
import { formatTime, type Result } from '../output.js';
import type { Act } from '../run.js';
import { cmsDigestAlgorithm, decodeSignatureFile, detectFormat, type SignatureFormat } from '../signature-file.js';

interface VerifyOptions {
  signature?: string;
  format?: SignatureFormat;
  key?: string;
  publicKey?: string;
  cert?: string;
  ca: string[];
  algorithm?: string;
}

/** The key the user expects the signature to be made with. */
interface ExpectedKey {
  readonly spki: Uint8Array;
  readonly defaultAlgorithm: SignatureAlgorithmId;
  /** Certificates that come with it (the key's chain, the --cert file), trusted for CMS. */
  readonly certificates: readonly Uint8Array[];
  /** How to name it: a key URI, a certificate subject, a file. */
  readonly label: string;
}

export function registerVerify(program: Command, act: Act): void {
  program
    .command('verify')
    .description('verify a file against its signature; exit 0 only when valid')
    .argument('<file>', 'the signed file')
    .option('-s, --signature <path>', 'signature file (default FILE.p7s, then FILE.sig)')
    .addOption(new Option('-f, --format <format>', 'signature format (default: detected)').choices(['cms', 'raw']))
    .option('-k, --key <uri>', 'expected signing key, e.g. soft://release')
    .option('--public-key <pem>', 'expected public key (PEM or DER file)')
    .option('--cert <pem>', 'expected signer certificate (PEM or DER file)')
    .option(
      '--ca <pem>',
      'trusted CA certificates for CMS (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option('-a, --algorithm <id>', "expected algorithm (raw default: the key's)")
    .addHelpText(
      'after',
      `
A CMS signature is valid when it matches the file and its signer is trusted: its certificate
chains to a --ca or --cert certificate, or its key is the --key or --public-key given.
A raw signature carries no signer, so it needs --key, --public-key or --cert.

Examples:
  $ signet verify app.tgz --cert release.pem
  $ signet verify app.tgz --ca corp-root.pem --ca corp-intermediate.pem
  $ signet verify app.tgz --signature app.tgz.sig --public-key release.pub.pem
  $ signet verify app.tgz --key soft://release --json`,
    )
    .action(act(async (ctx, name: string, options: VerifyOptions) => verify(ctx, name, options)));
}

async function verify(ctx: Context, name: string, options: VerifyOptions): Promise<Result> {
  if ([options.key, options.publicKey, options.cert].filter((v) => v !== undefined).length > 1) {
    throw new SignetError('INVALID_ARGUMENT', 'Give only one of --key, --public-key and --cert');
  }
  const algorithm = options.algorithm === undefined ? undefined : getAlgorithm(options.algorithm).id;
  const [input] = await statInputs(ctx, [name]);
  if (options.signature === undefined && /\.(jar|war|ear|aar)$/i.test(name)) {
    return verifySignedJar(ctx, input!, await expectedKey(ctx, options), options.ca);
  }
  const signatureName = options.signature ?? (await findSignature(ctx, name, options.format));
  const signature = decodeSignatureFile(await readInput(ctx, signatureName));
  const format = options.format ?? detectFormat(signature);
  const expected = await expectedKey(ctx, options);
  const check: Check = {
    input: input!,
    signature,
    expected,
    algorithm,
    caFiles: options.ca,
    base: { file: name, signature: signatureName, format },
  };
  try {
    return format === 'raw' ? await verifyRawFile(ctx, check) : await verifyCmsFile(ctx, check);
  } catch (error) {
    // Name the file, so a line among many says which one failed.
    if (isSignetError(error, 'VERIFICATION_FAILED') && !error.message.startsWith(name)) {
      throw new SignetError(error.code, `${name}: ${lowerFirst(error.message)}`, {
        cause: error,
        details: error.details,
      });
    }
    throw error;
  }
}

/** One verification: the file, its decoded signature, and what the user expects of it. */
interface Check {
  readonly input: InputFile;
  readonly signature: Uint8Array;
  readonly expected: ExpectedKey | undefined;
  /** `--algorithm`, when given. */
  readonly algorithm: SignatureAlgorithmId | undefined;
  readonly caFiles: readonly string[];
  /** JSON fields every result starts with. */
  readonly base: Readonly<Record<string, unknown>>;
}

async function verifyRawFile(
  ctx: Context,
  { input, signature, expected, algorithm, caFiles, base }: Check,
): Promise<Result> {
  if (!expected) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      'A raw signature does not say who signed: pass --key, --public-key or --cert',
    );
  }
  if (caFiles.length > 0) ctx.out.warn('--ca is ignored: a raw signature carries no certificate');
  const id = algorithm ?? expected.defaultAlgorithm;
  const [digest] = await digestInputs(ctx, [input], getAlgorithm(id).hash);
  verifyRaw({ publicKey: expected.spki, algorithm: id, digest: digest!, signature });
  return {
    status: true,
    json: { ...base, valid: true, algorithm: id, signer: { key: expected.label } },
    text: `OK  ${input.name}  signed by ${expected.label} (${id})`,
  };
}

async function verifyCmsFile(
  ctx: Context,
  { input, signature, expected, algorithm, caFiles, base }: Check,
): Promise<Result> {
  const trustedCertificates = [...(expected?.certificates ?? [])];
  for (const file of caFiles) trustedCertificates.push(...certificatesFrom(await readInput(ctx, file)));
  const options = {
    trustedCertificates: trustedCertificates.length ? trustedCertificates : undefined,
    signal: ctx.signal,
  };
  // Hash here (with a progress bar) when the signature declares one hash; let the SDK read the file otherwise.
  const hash = cmsDigestAlgorithm(signature);
  const result = hash
    ? await verifyCms(signature, { digest: (await digestInputs(ctx, [input], hash))[0]! }, options).catch(
        (error: unknown) => {
          if (!isSignetError(error, 'DIGEST_LENGTH_MISMATCH')) throw error;
          return verifyCms(signature, { path: input.path }, options); // its signer uses another hash
        },
      )
    : await verifyCms(signature, { path: input.path }, options);
  const signedWith = result.algorithm.id;
  const subject = result.signer.subject;
  if (expected && !Buffer.from(result.signer.publicKey).equals(Buffer.from(expected.spki))) {
    throw new SignetError('VERIFICATION_FAILED', `Signed by ${subject}, not by ${expected.label}`);
  }
  if (algorithm && signedWith !== algorithm) {
    throw new SignetError('VERIFICATION_FAILED', `Signed with ${signedWith}, not ${algorithm}`);
  }
  if (!result.trusted && !expected) {
    throw new SignetError(
      'VERIFICATION_FAILED',
      trustedCertificates.length === 0
        ? `The signature matches, but nothing says to trust ${subject}: pass --cert, --ca or --key`
        : `${subject} does not chain to a trusted certificate (--ca)`,
    );
  }
  const stamped = result.timestamp ? `, timestamped ${formatTime(result.timestamp.time)}` : '';
  const when = (result.signingTime ? `, ${formatTime(result.signingTime)}` : '') + stamped;
  return {
    status: true,
    json: {
      ...base,
      valid: true,
      algorithm: signedWith,
      signingTime: result.signingTime ?? null,
      timestamp: result.timestamp
        ? { time: result.timestamp.time, serialNumber: String(result.timestamp.serialNumber) }
        : null,
      trusted: true,
      signer: certificateJson(result.signer),
    },
    text: `OK  ${input.name}  signed by ${subject} (${signedWith}${when})`,
  };
}

/** A signed JAR: every entry matches, and a signer is trusted (`--ca`, `--cert`) or is the key expected. */
async function verifySignedJar(
  ctx: Context,
  input: InputFile,
  expected: ExpectedKey | undefined,
  caFiles: readonly string[],
): Promise<Result> {
  const trustedCertificates = [...(expected?.certificates ?? [])];
  for (const file of caFiles) trustedCertificates.push(...certificatesFrom(await readInput(ctx, file)));
  const result = await verifyJar(input.path, { trustedCertificates, signal: ctx.signal });
  const accepted = result.signers.find((s) =>
    expected ? Buffer.from(s.signer.publicKey).equals(Buffer.from(expected.spki)) : s.trusted,
  );
  if (!accepted) {
    const who = result.signers.map((s) => s.signer.subject).join(', ');
    throw new SignetError(
      'VERIFICATION_FAILED',
      expected
        ? `${input.name}: signed by ${who}, not by ${expected.label}`
        : `${input.name}: the entries match, but nothing says to trust ${who}: pass --ca, --cert or --key`,
    );
  }
  const when = accepted.timestamp ? `, timestamped ${formatTime(accepted.timestamp.time)}` : '';
  return {
    status: true,
    json: {
      file: input.name,
      format: 'jar',
      valid: true,
      entries: result.entries,
      signers: result.signers.map((s) => ({
        name: s.name,
        algorithm: s.algorithm.id,
        trusted: s.trusted,
        signer: certificateJson(s.signer),
        ...(s.timestamp ? { timestamp: s.timestamp.time } : {}),
      })),
    },
    text: `OK  ${input.name}  ${result.entries} entries signed by ${accepted.signer.subject} (${accepted.algorithm.id}${when})`,
  };
}

/** FILE.p7s, then FILE.sig (only the one that fits `format`, when given). */
async function findSignature(ctx: Context, name: string, format: SignatureFormat | undefined): Promise<string> {
  const candidates = format === 'raw' ? ['.sig'] : format === 'cms' ? ['.p7s'] : ['.p7s', '.sig'];
  for (const extension of candidates) {
    if (await exists(ctx.path(name + extension))) return name + extension;
  }
  const looked = candidates.map((e) => name + e).join(' or ');
  throw new SignetError('IO_ERROR', `No signature for ${name}: no ${looked}; name one with --signature`, {
    cause: Object.assign(new Error('ENOENT'), { code: 'ENOENT' }),
  });
}

async function expectedKey(ctx: Context, options: VerifyOptions): Promise<ExpectedKey | undefined> {
  if (options.key !== undefined) {
    const uri = keyUri(options.key);
    const key = ctx.remote ? await ctx.remote.getKey(uri) : await localKey(ctx, uri);
    return {
      spki: key.publicKey,
      defaultAlgorithm: key.algorithms[0]!,
      certificates: key.certificates,
      label: key.uri,
    };
  }
  if (options.publicKey !== undefined) {
    const material = readPublicKey(await readInput(ctx, options.publicKey), options.publicKey);
    return { ...material, certificates: [], label: `the key in ${options.publicKey}` };
  }
  if (options.cert !== undefined) {
    const material = readCertificateKey(await readInput(ctx, options.cert), options.cert);
    return { ...material, label: material.subject };
  }
  return undefined;
}

async function localKey(ctx: Context, uri: string): Promise<KeyInfo> {
  const { registry } = await ctx.providers();
  return (await registry.providerFor(uri)).getKey(uri, { signal: ctx.signal });
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
