import { isKeySpec, isSignetError, SignetError, type GenerateKeyParams, type KeyInfo } from '@signet/sdk';
import { toKmsKeySpec } from './algorithms.js';
import { completeKeyInfo } from './key-info.js';
import type { KmsCaller } from './kms-caller.js';
import type { AwsKmsProviderOptions } from './options.js';
import { formatAwsKmsUri } from './uri.js';

// An alias name after `alias/`: KMS's characters, and not the `aws/` prefix KMS reserves.
const NAME = /^(?!aws\/)[A-Za-z0-9/_-]{1,250}$/;

/**
 * Creates an asymmetric SIGN_VERIFY key of `spec` in the provider's region, tagged with the
 * provider's `tags` and `signet:name`, and points `alias/NAME` at it. If the alias cannot be
 * created, the new key is scheduled for deletion (7 days, the shortest KMS allows), so a failure
 * leaves no usable orphan behind.
 *
 * @throws SignetError `KEY_EXISTS` when `alias/NAME` exists, `INVALID_ARGUMENT`, `UNSUPPORTED_ALGORITHM`.
 */
export async function generateKmsKey(
  caller: KmsCaller,
  options: AwsKmsProviderOptions,
  { name, spec, signal }: GenerateKeyParams,
): Promise<KeyInfo> {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `Key name "${typeof name === 'string' ? name.slice(0, 300) : typeof name}" must be 1-250 letters, digits, "/", "_" or "-", not starting with "aws/"`,
    );
  }
  if (typeof spec !== 'string' || !isKeySpec(spec)) {
    throw new SignetError(
      'UNSUPPORTED_ALGORITHM',
      `Unknown key spec "${typeof spec === 'string' ? spec : typeof spec}"`,
    );
  }
  const alias = `alias/${name}`;
  const uri = formatAwsKmsUri(alias);
  const taken = await caller
    .call({ operation: 'DescribeKey', key: uri }, (api, send) => api.describeKey({ KeyId: alias }, send), { signal })
    .then(
      () => true,
      (error: unknown) => {
        if (isSignetError(error, 'KEY_NOT_FOUND')) return false;
        throw error;
      },
    );
  if (taken) throw new SignetError('KEY_EXISTS', `${uri} already exists`, { details: { key: uri } });

  const tags = Object.entries({ ...options.tags, 'signet:name': name }).map(([TagKey, TagValue]) => ({
    TagKey,
    TagValue,
  }));
  const created = await caller.call(
    { operation: 'CreateKey', key: uri },
    (api, send) =>
      api.createKey(
        {
          KeySpec: toKmsKeySpec(spec),
          KeyUsage: 'SIGN_VERIFY',
          Description: `Signet signing key ${name}`,
          Tags: tags,
        },
        send,
      ),
    { signal, idempotent: false },
  );
  const meta = created.KeyMetadata;
  if (!meta?.Arn || !meta.KeyId) throw new SignetError('INTERNAL', `AWS KMS CreateKey ${uri}: the answer has no key`);

  try {
    await caller.call(
      { operation: 'CreateAlias', key: uri },
      (api, send) => api.createAlias({ AliasName: alias, TargetKeyId: meta.KeyId }, send),
      { signal, idempotent: false },
    );
  } catch (error) {
    // Not under the caller's signal: an aborted request must still not leave a key behind.
    await caller
      .call(
        { operation: 'ScheduleKeyDeletion', key: formatAwsKmsUri(meta.Arn) },
        (api, send) => api.scheduleKeyDeletion({ KeyId: meta.Arn, PendingWindowInDays: 7 }, send),
        {},
      )
      .catch(() => undefined);
    throw error;
  }
  return completeKeyInfo(caller, meta, { name });
}
