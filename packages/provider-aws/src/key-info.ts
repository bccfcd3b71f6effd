import { isSignetError, SignetError, type KeyInfo, type KeySpec } from '@signet/sdk';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { algorithmsForKmsKey, fromKmsKeySpec } from './algorithms.js';
import type { KmsCaller } from './kms-caller.js';
import { formatAwsKmsUri, parseAwsKmsUri } from './uri.js';

/** Our spec for a key Signet can sign with now: SIGN_VERIFY, a spec we support, enabled. */
export function signableSpec(meta: KeyMetadata): KeySpec | undefined {
  const spec = fromKmsKeySpec(meta.KeySpec);
  return spec && meta.KeyUsage === 'SIGN_VERIFY' && meta.KeyState === 'Enabled' ? spec : undefined;
}

/**
 * Describes the key `uri` names (by ARN, key id or alias): DescribeKey, then GetPublicKey and the
 * key's aliases at once.
 *
 * @throws SignetError `KEY_NOT_FOUND` (also for a disabled key or one pending deletion),
 * `UNSUPPORTED_ALGORITHM` for a key that cannot sign or whose spec Signet lacks.
 */
export async function describeKmsKey(caller: KmsCaller, uri: string, signal?: AbortSignal): Promise<KeyInfo> {
  const ref = parseAwsKmsUri(uri);
  const { KeyMetadata: meta } = await caller.call(
    { operation: 'DescribeKey', key: uri, region: ref.region },
    (api, send) => api.describeKey({ KeyId: ref.keyId }, send),
    { signal },
  );
  if (!meta?.Arn) throw new SignetError('INTERNAL', `AWS KMS DescribeKey ${uri}: the answer has no key ARN`);
  const alias =
    ref.kind === 'alias' || ref.kind === 'alias-arn' ? ref.keyId.slice(ref.keyId.indexOf('alias/') + 6) : undefined;
  return completeKeyInfo(caller, meta, { signal, name: alias });
}

/** Builds a {@link KeyInfo} from DescribeKey's metadata, adding the public key and (unless given) a name. */
export async function completeKeyInfo(
  caller: KmsCaller,
  meta: KeyMetadata,
  context: { signal?: AbortSignal | undefined; name?: string | undefined },
): Promise<KeyInfo> {
  const arn = meta.Arn!;
  const uri = formatAwsKmsUri(arn);
  const spec = assertSignable(meta, uri);
  const region = parseAwsKmsUri(uri).region;
  const [publicKey, name] = await Promise.all([
    caller
      .call({ operation: 'GetPublicKey', key: uri, region }, (api, send) => api.getPublicKey({ KeyId: arn }, send), {
        signal: context.signal,
      })
      .then((out) => out.PublicKey),
    context.name ?? aliasName(caller, arn, uri, region, context.signal),
  ]);
  if (!publicKey?.length)
    throw new SignetError('INTERNAL', `AWS KMS GetPublicKey ${uri}: the answer has no public key`);
  return {
    uri,
    name: name ?? meta.KeyId ?? arn,
    spec,
    algorithms: algorithmsForKmsKey(spec, meta.SigningAlgorithms),
    publicKey: new Uint8Array(publicKey),
    certificates: [],
    ...(meta.CreationDate ? { createdAt: new Date(meta.CreationDate) } : {}),
  };
}

function assertSignable(meta: KeyMetadata, uri: string): KeySpec {
  const details = { key: uri, keySpec: meta.KeySpec, keyUsage: meta.KeyUsage, keyState: meta.KeyState };
  const spec = fromKmsKeySpec(meta.KeySpec);
  if (meta.KeyUsage !== 'SIGN_VERIFY' || !spec) {
    throw new SignetError(
      'UNSUPPORTED_ALGORITHM',
      `${uri} is a ${meta.KeySpec} key for ${meta.KeyUsage}: Signet signs with RSA and NIST P-curve SIGN_VERIFY keys`,
      { details },
    );
  }
  if (meta.KeyState !== 'Enabled') {
    throw new SignetError('KEY_NOT_FOUND', `${uri} cannot sign: its state is ${meta.KeyState}`, { details });
  }
  return spec;
}

/** The key's first alias, without `alias/`; undefined when it has none or may not list them. */
async function aliasName(
  caller: KmsCaller,
  arn: string,
  uri: string,
  region: string | undefined,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  try {
    const out = await caller.call(
      { operation: 'ListAliases', key: uri, region },
      (api, send) => api.listAliases({ KeyId: arn }, send),
      { signal },
    );
    const names = (out.Aliases ?? []).map((a) => a.AliasName ?? '').filter((n) => n.startsWith('alias/'));
    return names.sort()[0]?.slice(6);
  } catch (error) {
    // A name is a convenience: a principal that may sign but not list aliases still gets the key.
    if (isSignetError(error, 'PERMISSION_DENIED')) return undefined;
    throw error;
  }
}
