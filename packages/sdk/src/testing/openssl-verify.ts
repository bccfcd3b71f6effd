import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getAlgorithm, type SignatureAlgorithmId } from '../algorithms/algorithms.js';
import { toPem } from '../x509/pem.js';

const run = promisify(execFile);

/**
 * Verifies a signature over a precomputed digest with the `openssl` command, the verifier users
 * trust, rather than with our own code: `openssl pkeyutl -verify` over the digest, with the padding
 * and PSS salt length (the digest's) spelled out. Resolves `true` or `false`.
 */
export async function opensslVerifiesDigest(params: {
  publicKey: Uint8Array;
  algorithm: SignatureAlgorithmId;
  digest: Uint8Array;
  signature: Uint8Array;
  openssl?: string;
}): Promise<boolean> {
  const algorithm = getAlgorithm(params.algorithm);
  const dir = await mkdtemp(join(tmpdir(), 'signet-openssl-'));
  try {
    await Promise.all([
      writeFile(join(dir, 'key.pem'), toPem('PUBLIC KEY', params.publicKey)),
      writeFile(join(dir, 'digest.bin'), params.digest),
      writeFile(join(dir, 'signature.bin'), params.signature),
    ]);
    const padding =
      algorithm.scheme === 'pss'
        ? ['-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:digest']
        : algorithm.scheme === 'pkcs1'
          ? ['-pkeyopt', 'rsa_padding_mode:pkcs1']
          : [];
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'digest.bin')];
    args.push('-sigfile', join(dir, 'signature.bin'), '-pkeyopt', `digest:${algorithm.hash}`, ...padding);
    return await run(params.openssl ?? 'openssl', args).then(
      () => true,
      () => false,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Verifies a detached CMS signature (DER) over a file with `openssl cms -verify -binary`, trusting
 * the certificates in `caFile` (PEM), for any purpose. Resolves with openssl's verdict and output,
 * e.g. `{ ok: true, output: 'CMS Verification successful' }`.
 */
export async function opensslVerifiesCms(params: {
  /** The `.p7s` file. */
  signature: string;
  /** The signed file. */
  content: string;
  /** PEM certificates to trust (the signer's own for a self-signed key, or its CA). */
  caFile: string;
  openssl?: string;
}): Promise<{ ok: boolean; output: string }> {
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', params.signature, '-content', params.content];
  args.push('-CAfile', params.caFile, '-purpose', 'any', '-out', '/dev/null');
  return run(params.openssl ?? 'openssl', args).then(
    ({ stdout, stderr }) => ({ ok: stderr.includes('Verification successful'), output: stdout + stderr }),
    (error: { stdout?: string; stderr?: string }) => ({
      ok: false,
      output: (error.stdout ?? '') + (error.stderr ?? ''),
    }),
  );
}
