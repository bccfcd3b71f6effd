import type { Command } from 'commander';
import { getAlgorithm } from '@signet/sdk';
import { createCertificateRequest, toPem } from '@signet/sdk/x509';
import type { Context } from '../context.js';
import { keyUri } from '../describe.js';
import { keySigner } from '../key-signer.js';
import { assertWritable, writeOutputs } from '../files.js';
import type { Result } from '../output.js';
import type { Act } from '../run.js';
import { parseSubject } from '../subject.js';

interface CsrOptions {
  subject?: string;
  algorithm?: string;
  out?: string;
  force?: boolean;
}

/** `signet keys csr`: a PKCS#10 request for any provider's key, for a CA to certify. */
export function registerKeysCsr(keys: Command, act: Act): void {
  keys
    .command('csr')
    .description('make a certificate signing request (PKCS#10) for a key, signed by the key itself')
    .argument('<uri>', 'key URI (any provider: soft://, pkcs11:, a cloud KMS key)')
    .option('--subject <name>', 'subject, e.g. "CN=Example Release, O=Example, C=DE" (default CN=<key name>)')
    .option('-a, --algorithm <id>', "signature algorithm (default: the key's)")
    .option('-o, --out <file>', 'write the request (PEM) to a file instead of stdout')
    .option('-f, --force', 'replace an existing --out file')
    .addHelpText(
      'after',
      `
Only the request's digest goes to the key's provider; the signature goes through policy and the
audit log like any other (format "csr"). Give the request to your CA, then attach what it returns:

Examples:
  $ signet keys csr "pkcs11:token=ci;object=release" --subject "CN=Acme Release, O=Acme" -o release.csr
  $ openssl req -in release.csr -verify -noout -text
  $ signet keys import-cert "pkcs11:token=ci;object=release" release-chain.pem`,
    )
    .action(act(async (ctx, uri: string, options: CsrOptions) => makeRequest(ctx, keyUri(uri), options)));
}

async function makeRequest(ctx: Context, uri: string, options: CsrOptions): Promise<Result> {
  const algorithm = options.algorithm === undefined ? undefined : getAlgorithm(options.algorithm).id;
  const out = options.out === undefined ? undefined : { name: options.out, path: ctx.path(options.out) };
  if (out) await assertWritable([out], options.force === true);
  const { signer, viaEngine } = await keySigner(ctx, uri, { format: 'csr', ...(algorithm ? { algorithm } : {}) });
  const subject = options.subject === undefined ? { commonName: signer.key.name } : parseSubject(options.subject);
  const der = await createCertificateRequest(viaEngine.forArtifact({ name: `${signer.key.name}.csr` }), {
    subject,
    signal: ctx.signal,
  });
  const pem = toPem('CERTIFICATE REQUEST', der);
  if (out) await writeOutputs([{ ...out, data: pem }], options.force === true);
  return {
    status: Boolean(out),
    json: { uri, algorithm: signer.algorithm.id, subject, request: pem, ...(out ? { out: out.name } : {}) },
    text: out ? `Wrote a certificate request for ${uri} (${signer.algorithm.id}) to ${out.name}` : pem.trimEnd(),
  };
}
