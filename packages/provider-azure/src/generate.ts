import { curveOf, isKeySpec, isSignetError, SignetError, type GenerateKeyParams, type KeyInfo } from '@signet/sdk';
import type { ProviderContext } from './context.js';
import { formatAzureKeyUri, KEY_NAME, type AzureKeyUri } from './key-uri.js';
import { show } from './show.js';
import { callVault } from './vault-call.js';
import { resolveVaultKey } from './vault-key.js';

/**
 * Creates a key in the first served vault, allowed to sign and verify only. Key Vault would add a
 * new version to an existing name, so an existing key is refused first (`KEY_EXISTS`); a name a
 * soft-deleted key still holds is refused by the vault (409, also `KEY_EXISTS`).
 *
 * Not retried: after a lost answer a second attempt would add a second version, and the key just
 * described would no longer be the current one.
 */
export async function generateVaultKey(
  context: ProviderContext,
  { name, spec, signal }: GenerateKeyParams,
  hsm: boolean,
): Promise<KeyInfo> {
  if (typeof name !== 'string' || !KEY_NAME.test(name)) {
    throw new SignetError('INVALID_ARGUMENT', `Key name "${show(name)}" must be 1-127 letters, digits and dashes`);
  }
  if (!isKeySpec(spec)) throw new SignetError('UNSUPPORTED_ALGORITHM', `Unknown key spec "${show(spec)}"`);
  const vault = context.vaults[0]!;
  const key = { host: vault.host, name };
  const uri = formatAzureKeyUri(key);
  if (await exists(context, key, signal)) {
    throw new SignetError('KEY_EXISTS', `${uri} already exists`, { details: { key: uri } });
  }
  const curve = curveOf(spec);
  const keyOps = ['sign', 'verify'];
  const created = await callVault(
    (abortSignal) =>
      curve
        ? vault.client.createEcKey(name, { curve, hsm, keyOps, abortSignal })
        : vault.client.createRsaKey(name, { keySize: Number(spec.slice(4)), hsm, keyOps, abortSignal }),
    { operation: 'create', target: uri },
    context.policy,
    signal,
    false,
  );
  return resolveVaultKey(created, key).info;
}

async function exists(context: ProviderContext, key: AzureKeyUri, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await context.fetchKey(key, signal);
    return true;
  } catch (error) {
    // A key of a type Signet does not sign with still holds the name.
    if (isSignetError(error, 'UNSUPPORTED_ALGORITHM')) return true;
    if (isSignetError(error, 'KEY_NOT_FOUND')) return false;
    throw error;
  }
}
