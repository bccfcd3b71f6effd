import { createSigner, getAlgorithm, type KeyInfo, type SignatureAlgorithmId, type Signer } from '@signet/sdk';
import { createRemoteSigner } from '@signet/sdk/remote';
import { createEngineSigner, type EngineSigner } from '@signet/sdk/signing';
import type { Context } from './context.js';

/** A key to sign with, and the same key behind the engine that decides and records each signature. */
export interface KeySigner {
  /** The key's facts and algorithm (no policy: for checks before anything is signed). */
  readonly signer: Signer;
  /** Signs through the engine: the server's with `--server`, the embedded one otherwise. */
  readonly viaEngine: EngineSigner;
}

/**
 * The signer of `uri` for `format` (what the policy and audit log are told). `algorithm` may be
 * chosen from the key's facts, e.g. OpenPGP's PKCS#1 for an RSA key whose default is PSS.
 */
export async function keySigner(
  ctx: Context,
  uri: string,
  options: { format: string; algorithm?: string | ((key: KeyInfo) => SignatureAlgorithmId) },
): Promise<KeySigner> {
  const metadata = { format: options.format };
  const chosen =
    typeof options.algorithm === 'function' ? options.algorithm(await keyInfo(ctx, uri)) : options.algorithm;
  const algorithm = chosen === undefined ? undefined : getAlgorithm(chosen).id;
  if (ctx.remote) {
    const remote = await createRemoteSigner(ctx.remote, uri, { ...(algorithm ? { algorithm } : {}), metadata });
    return { signer: remote, viaEngine: remote };
  }
  const signer = await createSigner((await ctx.providers()).registry, uri, { algorithm, signal: ctx.signal });
  const { engine, principal } = await ctx.engine();
  return { signer, viaEngine: createEngineSigner(engine, signer, { principal, metadata }) };
}

async function keyInfo(ctx: Context, uri: string): Promise<KeyInfo> {
  if (ctx.remote) return ctx.remote.getKey(uri, { signal: ctx.signal });
  const provider = await (await ctx.providers()).registry.providerFor(uri);
  return provider.getKey(uri, { signal: ctx.signal });
}
