import type { Signer } from '@signet/sdk';
import type { Context } from './context.js';

/**
 * Sigstore's verifier checks DSSE with SHA-256 and, for RSA, PKCS#1 v1.5: a bundle signed with
 * P-384, P-521 or RSA-PSS is valid DSSE that it still refuses. Say so, rather than let a release
 * pipeline find out at verification.
 */
export function warnIfSigstoreRefuses(ctx: Context, signer: Signer): void {
  const id = signer.algorithm.id;
  if (id === 'ecdsa-p256-sha256' || id === 'rsa-pkcs1-sha256') return;
  ctx.out.warn(
    `sigstore's verifier accepts DSSE bundles signed with ecdsa-p256-sha256 or rsa-pkcs1-sha256, not ${id}; other DSSE verifiers accept it`,
  );
}
