import { InvalidArgumentError, Option, type Command } from 'commander';
import { createSigner, getAlgorithm, KEY_SPECS, SignetError, type KeyInfo, type KeySpec } from '@signet/sdk';
import { certificatesFrom, issueSelfSignedCertificate, toPem } from '@signet/sdk/x509';
import { createHash } from 'node:crypto';
import { principalId } from '@signet/sdk/policy';
import type { Context } from '../context.js';
import { localPrincipal } from '../embedded-engine.js';
import { certificateJson, certificateLine, certificatesOf, certificateText, keyJson, keyUri } from '../describe.js';
import { assertWritable, readInput, writeOutputs } from '../files.js';
import { keyFingerprint, publicKeyPem } from '../key-material.js';
import { formatTime, table, type Result } from '../output.js';
import type { Act } from '../run.js';
import { parseSubject } from '../subject.js';
import { registerKeysCsr } from './keys-csr.js';
import { registerKeysPgp } from './keys-pgp.js';
import { listKeys } from './keys-list.js';

export function registerKeys(program: Command, act: Act): void {
  const keys = program
    .command('keys')
    .description('create, list and show signing keys and certificates')
    .addHelpText(
      'after',
      `
Keys in an HSM or a cloud KMS work everywhere a key URI goes once $SIGNET_HOME/config.yaml names
their provider (see signet --help): pkcs11:token=ci;object=release, awskms:///arn:..., ...

Examples:
  $ signet keys create release
  $ signet keys list
  $ signet keys cert soft://release --subject "CN=Example Release, O=Example"
  $ signet keys show soft://release --public-key > release.pub.pem
  $ signet keys import-cert "pkcs11:token=ci;object=release" release-chain.pem`,
    );

  keys
    .command('create')
    .description('create a key (in the software store, or in a configured provider) and print its URI')
    .argument('<name>', 'key name: letters, digits, ".", "_", "-"')
    .addOption(new Option('-t, --type <type>', 'key type').choices(KEY_SPECS).default('ec-p256'))
    .option('-p, --provider <scheme>', 'create it in the configured provider of this scheme, e.g. pkcs11', 'soft')
    .addHelpText(
      'after',
      `
Examples:
  $ signet keys create release                  # ECDSA P-256
  $ signet keys create legacy --type rsa-3072
  $ signet keys create ci --json | jq -r .uri
  $ signet keys create release --provider pkcs11   # on the token config.yaml names`,
    )
    .action(
      act(async (ctx, name: string, options: { type: KeySpec; provider: string }) => {
        const key =
          options.provider === 'soft'
            ? await (
                await ctx.softKeys({ create: true })
              ).generateKey({
                name: softName(name),
                spec: options.type,
                signal: ctx.signal,
              })
            : await createInProvider(ctx, options.provider, name, options.type);
        await recordKeyEvent(ctx, 'create', key);
        return { json: keyJson(key), text: key.uri };
      }),
    );

  keys
    .command('list')
    .description('list the keys of every provider: URI, type, algorithms, certificate')
    .addHelpText(
      'after',
      `
Lists software keys and the keys of each provider in $SIGNET_HOME/config.yaml. A provider that
fails is named on stderr (in --json, under "failures"); the others are still listed, and the exit
status is the failure's.

Examples:
  $ signet keys list
  $ signet keys list --json | jq -r ".keys[].uri"`,
    )
    .action(act(async (ctx) => listKeys(ctx)));

  keys
    .command('show')
    .description('show a key, its certificates and its public key')
    .argument('<uri>', 'key URI, e.g. soft://release')
    .option('--public-key', 'print only the public key (PEM), e.g. for openssl')
    .option('--certificate', "print only the certificate chain (PEM, the key's own first)")
    .addHelpText(
      'after',
      `
Examples:
  $ signet keys show soft://release
  $ signet keys show soft://release --public-key > release.pub.pem
  $ openssl dgst -sha256 -verify release.pub.pem -signature app.tgz.sig app.tgz
  $ signet keys show soft://release --certificate > release.pem`,
    )
    .action(
      act(async (ctx, uri: string, options: { publicKey?: boolean; certificate?: boolean }) => {
        const key = await getKey(ctx, keyUri(uri));
        if (options.publicKey)
          return { json: { uri: key.uri, publicKey: publicKeyPem(key.publicKey) }, text: publicKeyPem(key.publicKey) };
        if (options.certificate) {
          if (key.certificates.length === 0) {
            throw new SignetError(
              'KEY_NOT_FOUND',
              `${key.uri} has no certificate: attach one with "signet keys cert ${key.uri}"`,
            );
          }
          const pem = key.certificates.map((c) => toPem('CERTIFICATE', c)).join('');
          return { json: { uri: key.uri, certificates: pem }, text: pem };
        }
        return { json: keyJson(key), text: showText(key) };
      }),
    );

  keys
    .command('cert')
    .description('issue and attach a self-signed code-signing certificate')
    .argument('<uri>', 'key URI')
    .option('--subject <name>', 'subject, e.g. "CN=Example Release, O=Example" (default CN=<key name>)')
    .option('--days <n>', 'validity in days', parseDays, 365)
    .option('-a, --algorithm <id>', "signature algorithm (default: the key's)")
    .option('-o, --out <file>', 'also write the certificate as PEM')
    .option('-f, --force', 'replace an attached certificate chain and an existing --out file')
    .addHelpText(
      'after',
      `
Examples:
  $ signet keys cert soft://release
  $ signet keys cert soft://release --subject "CN=Example Release, O=Example" --days 730
  $ signet keys cert soft://release --out release.pem     # give this to verifiers`,
    )
    .action(act(async (ctx, uri: string, options: CertOptions) => issueCertificate(ctx, keyUri(uri), options)));

  registerKeysCsr(keys, act);
  registerKeysPgp(keys, act);

  keys
    .command('import-cert')
    .description("attach a certificate chain (PEM, the key's own first)")
    .argument('<uri>', 'key URI')
    .argument('<chain>', "PEM file: the key's certificate, then its issuers")
    .addHelpText(
      'after',
      `
The chain goes onto the token for a PKCS#11 key; for a cloud KMS key, which cannot hold one, into
$SIGNET_HOME/certificates. Either way "signet sign --format cms" then embeds the whole chain.

Examples:
  $ signet keys import-cert soft://release release-chain.pem
  $ signet keys import-cert "pkcs11:token=ci;object=release" release-chain.pem`,
    )
    .action(
      act(async (ctx, uri: string, chain: string) => {
        const certificates = certificatesFrom(await readInput(ctx, chain));
        const key = await setCertificates(ctx, keyUri(uri), certificates);
        const summaries = certificatesOf(key);
        return {
          status: true,
          json: { uri: key.uri, certificates: summaries.map(certificateJson) },
          text: `Attached ${summaries.length === 1 ? 'a certificate' : `a chain of ${summaries.length}`} to ${key.uri}\n${certificateText(summaries[0]!)}`,
        };
      }),
    );

  keys
    .command('import')
    .description('import a private key (PKCS#8, PEM or DER)')
    .argument('<name>', 'name of the new key')
    .argument('<file>', 'private key file (unencrypted PKCS#8, PKCS#1 or SEC1 PEM)')
    .addHelpText(
      'after',
      `
Examples:
  $ openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem
  $ signet keys import release key.pem && shred -u key.pem`,
    )
    .action(
      act(async (ctx, name: string, file: string) => {
        const bytes = await readInput(ctx, file);
        const text = bytes.toString('latin1');
        const pkcs8 = text.includes('-----BEGIN ') ? text : new Uint8Array(bytes);
        const soft = await ctx.softKeys({ create: true });
        const key = await soft.importKey({ name: softName(name), pkcs8, signal: ctx.signal });
        await recordKeyEvent(ctx, 'import', key);
        return { json: keyJson(key), text: key.uri };
      }),
    );
}

interface CertOptions {
  subject?: string;
  days: number;
  algorithm?: string;
  out?: string;
  force?: boolean;
}

/** A new software key's name, from `NAME` or `soft://NAME`. */
function softName(arg: string): string {
  const uri = keyUri(arg);
  if (!uri.startsWith('soft://')) {
    throw new SignetError('INVALID_KEY_URI', `${arg}: only software keys (soft://NAME) are created here`);
  }
  return uri.slice('soft://'.length);
}

/** A key made inside a configured provider (an HSM, a KMS) that can generate keys. */
async function createInProvider(ctx: Context, scheme: string, name: string, spec: KeySpec): Promise<KeyInfo> {
  const { registry } = await ctx.providers();
  const provider = await registry.providerFor(`${scheme}:`);
  if (!provider.generateKey) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `${scheme}: keys cannot be created through Signet; create them in the backend`,
    );
  }
  return provider.generateKey({ name, spec, signal: ctx.signal });
}

async function getKey(ctx: Context, uri: string): Promise<KeyInfo> {
  if (ctx.remote) return ctx.remote.getKey(uri);
  const { registry } = await ctx.providers();
  const provider = await registry.providerFor(uri);
  return provider.getKey(uri, { signal: ctx.signal });
}

async function setCertificates(ctx: Context, uri: string, certificates: Uint8Array[]): Promise<KeyInfo> {
  // A server-held key: the server checks, records and stores the chain (admins only).
  if (ctx.remote) return ctx.remote.setCertificates(uri, certificates);
  const { registry } = await ctx.providers();
  const provider = await registry.providerFor(uri);
  if (!provider.setCertificates) {
    throw new SignetError('INVALID_ARGUMENT', `${provider.scheme}: keys cannot store certificates`);
  }
  const key = await provider.setCertificates({ key: uri, certificates, signal: ctx.signal });
  await recordKeyEvent(ctx, 'certificate', key);
  return key;
}

/** Key lifecycle goes into the local audit log beside the signatures made with the keys. */
async function recordKeyEvent(ctx: Context, action: 'create' | 'import' | 'certificate', key: KeyInfo): Promise<void> {
  const leaf = key.certificates[0];
  const log = await ctx.audit();
  await log.append([
    {
      type: 'key',
      actor: principalId(localPrincipal()),
      data: {
        action,
        key: key.uri,
        spec: key.spec,
        publicKey: keyFingerprint(key.publicKey),
        ...(leaf ? { certificate: createHash('sha256').update(leaf).digest('hex') } : {}),
      },
    },
  ]);
}

function showText(key: KeyInfo): string {
  const [first, ...others] = key.algorithms;
  const facts = table([
    ['URI', key.uri],
    ['Type', key.spec],
    ['Algorithms', `${first} (default)`],
    ...others.map((a) => ['', a]),
    ...(key.createdAt ? [['Created', formatTime(key.createdAt)]] : []),
    ['Fingerprint', keyFingerprint(key.publicKey)],
  ]);
  const certificates = certificatesOf(key);
  const chain = certificates.length
    ? certificates.map((c, i) => `Certificate ${i + 1} of ${certificates.length}\n${certificateText(c)}`).join('\n\n')
    : 'No certificate (CMS signing needs one: signet keys cert ' + key.uri + ')';
  return `${facts}\n\n${chain}\n\n${publicKeyPem(key.publicKey)}`;
}

async function issueCertificate(ctx: Context, uri: string, options: CertOptions): Promise<Result> {
  const algorithm = options.algorithm === undefined ? undefined : getAlgorithm(options.algorithm).id;
  const explicitSubject = options.subject === undefined ? undefined : parseSubject(options.subject);
  const out = options.out === undefined ? undefined : { name: options.out, path: ctx.path(options.out) };
  if (out) await assertWritable([out], options.force === true);
  const key = await getKey(ctx, uri);
  if (key.certificates.length > 0 && !options.force) {
    const current = certificatesOf(key)[0]!;
    throw new SignetError(
      'INVALID_ARGUMENT',
      `${uri} already has a certificate, ${certificateLine(current)}; use --force to replace it`,
    );
  }
  const { registry } = await ctx.providers();
  const signer = await createSigner(registry, uri, { algorithm, signal: ctx.signal });
  const subject = explicitSubject ?? { commonName: key.name };
  const der = await issueSelfSignedCertificate(signer, { subject, validityDays: options.days, signal: ctx.signal });
  const updated = await setCertificates(ctx, uri, [der]);
  if (out) await writeOutputs([{ ...out, data: toPem('CERTIFICATE', der) }], options.force === true);
  const summary = certificatesOf(updated)[0]!;
  return {
    status: true,
    json: { uri, certificate: certificateJson(summary), ...(out ? { out: out.name } : {}) },
    text: `Certificate attached to ${uri}\n${certificateText(summary)}${out ? `\nWrote ${out.name}` : ''}`,
  };
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < 1 || days > 36500) {
    throw new InvalidArgumentError('Expected a whole number of days from 1 to 36500.');
  }
  return days;
}
