import { SignetError } from '@signet/sdk';

/** The URI scheme of AWS KMS keys. */
export const AWS_KMS_SCHEME = 'awskms';

const PREFIX = `${AWS_KMS_SCHEME}:///`;

/** What an `awskms:` URI names, ready to pass to KMS as `KeyId`. */
export interface AwsKmsKeyRef {
  /** `key-arn` is the canonical form; `key-id` and `alias` resolve in the provider's region. */
  readonly kind: 'key-arn' | 'alias-arn' | 'key-id' | 'alias';
  /** The KMS `KeyId` parameter: a key ARN, an alias ARN, a key id or `alias/NAME`. */
  readonly keyId: string;
  /** The region an ARN names; undefined for key ids and alias names. */
  readonly region?: string;
}

// KMS key ids are lowercase UUIDs, or `mrk-` and 32 hex digits for multi-Region keys.
const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
// Alias names: letters, digits, `/`, `_`, `-`; at most 256 characters with the `alias/` prefix.
const ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
// Partitions: aws, aws-cn, aws-us-gov, aws-iso-b, ...; regions: us-east-1, us-gov-west-1, eusc-de-east-1.
const ARN = /^arn:(aws(?:-[a-z]+)*):kms:([a-z]{2,}(?:-[a-z0-9]+)+):(\d{12}):((?:key|alias)\/.+)$/;

/**
 * Parses an AWS KMS key URI. The forms, all with an empty authority (region, endpoint and
 * credentials are the provider's options, not part of a key's name):
 *
 * - `awskms:///arn:aws:kms:REGION:ACCOUNT:key/KEY-ID` (canonical: what `getKey` and `listKeys` return)
 * - `awskms:///arn:aws:kms:REGION:ACCOUNT:alias/NAME`
 * - `awskms:///KEY-ID` and `awskms:///alias/NAME`, in the provider's region and account
 *
 * @throws SignetError `INVALID_KEY_URI`
 * @example parseAwsKmsUri('awskms:///alias/release') // { kind: 'alias', keyId: 'alias/release' }
 */
export function parseAwsKmsUri(uri: string): AwsKmsKeyRef {
  if (typeof uri !== 'string' || !uri.startsWith(PREFIX)) {
    throw invalid(
      uri,
      typeof uri === 'string' && uri.startsWith(`${AWS_KMS_SCHEME}://`)
        ? 'the authority must be empty: region and endpoint are provider options'
        : `expected ${PREFIX}ARN, ${PREFIX}KEY-ID or ${PREFIX}alias/NAME`,
    );
  }
  const rest = uri.slice(PREFIX.length);
  if (KEY_ID.test(rest)) return { kind: 'key-id', keyId: rest };
  if (ALIAS.test(rest)) return { kind: 'alias', keyId: rest };
  const arn = ARN.exec(rest);
  if (arn) {
    const resource = arn[4]!;
    const region = arn[2]!;
    if (resource.startsWith('key/') && KEY_ID.test(resource.slice(4))) return { kind: 'key-arn', keyId: rest, region };
    if (ALIAS.test(resource)) return { kind: 'alias-arn', keyId: rest, region };
  }
  throw invalid(uri, 'not a KMS key id (a UUID or mrk-…), alias/NAME, or key or alias ARN');
}

/**
 * The URI of a KMS key ARN, key id or alias: `awskms:///` followed by it.
 *
 * @throws SignetError `INVALID_KEY_URI` when the result would not parse.
 * @example formatAwsKmsUri('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-…')
 */
export function formatAwsKmsUri(keyId: string): string {
  const uri = PREFIX + keyId;
  parseAwsKmsUri(uri);
  return uri;
}

function invalid(uri: unknown, reason: string): SignetError {
  // Never String(uri): a hostile object's toString could throw or lie.
  const shown = typeof uri === 'string' ? uri.slice(0, 300) : `(${typeof uri})`;
  return new SignetError('INVALID_KEY_URI', `"${shown}" is not an AWS KMS key URI: ${reason}`, {
    details: { uri: shown },
  });
}
