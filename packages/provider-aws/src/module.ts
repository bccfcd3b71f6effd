import { SignetError, type KeyProvider, type ProviderModule } from '@signet/sdk';
import type { AwsKmsProviderOptions } from './options.js';
import { createAwsKmsProvider } from './provider.js';
import { AWS_KMS_SCHEME, parseAwsKmsUri } from './uri.js';

type Env = Readonly<Record<string, string | undefined>>;

const KNOWN = [
  'region',
  'endpoint',
  'profile',
  'tags',
  'keys',
  'retry',
  'requestTimeoutMs',
  'connectTimeoutMs',
  'listConcurrency',
];

/**
 * Builds {@link AwsKmsProviderOptions} from a configuration file's plain section and the
 * environment. Static credentials come from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and
 * `AWS_SESSION_TOKEN`) in `env`, never from the file; without them the SDK's default chain applies.
 *
 * @throws SignetError `INVALID_ARGUMENT` naming every option that is wrong.
 */
export function parseAwsKmsOptions(plain: unknown, env: Env): AwsKmsProviderOptions {
  const problems: string[] = [];
  const input = (plain ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new SignetError('INVALID_ARGUMENT', 'AWS KMS provider options must be an object');
  }
  for (const key of Object.keys(input)) if (!KNOWN.includes(key)) problems.push(`unknown option "${key}"`);
  const options: AwsKmsProviderOptions = {};

  const region = text(input, 'region', problems) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region !== undefined) options.region = region;
  const endpoint = text(input, 'endpoint', problems);
  if (endpoint !== undefined) {
    if (/^https?:\/\/[^/\s]+/.test(endpoint)) options.endpoint = endpoint;
    else problems.push('"endpoint" must be an http(s) URL');
  }
  const profile = text(input, 'profile', problems);
  if (profile !== undefined) options.profile = profile;

  if (input.tags !== undefined) {
    const tags = input.tags as Record<string, unknown>;
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags) || Object.values(tags).some(notText)) {
      problems.push('"tags" must map tag keys to string values');
    } else options.tags = tags as Record<string, string>;
  }
  if (input.keys !== undefined) {
    if (!Array.isArray(input.keys) || input.keys.some(notText)) problems.push('"keys" must be a list of key URIs');
    else {
      const bad = (input.keys as string[]).filter((uri) => !isKeyUri(uri));
      if (bad.length) problems.push(`"keys" holds URIs that are not awskms:/// key URIs: ${bad.join(', ')}`);
      else options.keys = input.keys as string[];
    }
  }
  if (input.retry !== undefined) {
    const retry = input.retry as Record<string, unknown>;
    if (typeof retry !== 'object' || retry === null) problems.push('"retry" must be an object');
    else {
      for (const key of Object.keys(retry)) {
        if (!['attempts', 'baseDelayMs', 'maxDelayMs'].includes(key)) problems.push(`unknown option "retry.${key}"`);
      }
      const attempts = count(retry, 'attempts', 1, problems, 'retry.');
      const baseDelayMs = count(retry, 'baseDelayMs', 0, problems, 'retry.');
      const maxDelayMs = count(retry, 'maxDelayMs', 0, problems, 'retry.');
      options.retry = {
        ...(attempts !== undefined ? { attempts } : {}),
        ...(baseDelayMs !== undefined ? { baseDelayMs } : {}),
        ...(maxDelayMs !== undefined ? { maxDelayMs } : {}),
      };
    }
  }
  for (const key of ['requestTimeoutMs', 'connectTimeoutMs', 'listConcurrency'] as const) {
    const value = count(input, key, 1, problems);
    if (value !== undefined) options[key] = value;
  }

  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId && secretAccessKey) {
    const sessionToken = env.AWS_SESSION_TOKEN;
    options.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  } else if (accessKeyId || secretAccessKey) {
    problems.push('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together');
  }

  if (problems.length) {
    throw new SignetError('INVALID_ARGUMENT', `Invalid AWS KMS provider options: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  return options;
}

/**
 * The entry a configuration names to load this package:
 * `providers: [{ use: '@signet/provider-aws', options: { region: 'eu-west-1' } }]`.
 */
export const signetProvider: ProviderModule = {
  scheme: AWS_KMS_SCHEME,
  async create(options: unknown, env: Env): Promise<KeyProvider> {
    return createAwsKmsProvider(parseAwsKmsOptions(options, env));
  },
};

function isKeyUri(uri: string): boolean {
  try {
    parseAwsKmsUri(uri);
    return true;
  } catch {
    return false;
  }
}

function notText(value: unknown): boolean {
  return typeof value !== 'string';
}

function text(input: Record<string, unknown>, key: string, problems: string[]): string | undefined {
  const value = input[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  problems.push(`"${key}" must be a non-empty string`);
  return undefined;
}

function count(
  input: Record<string, unknown>,
  key: string,
  min: number,
  problems: string[],
  prefix = '',
): number | undefined {
  const value = input[key];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  problems.push(`"${prefix}${key}" must be an integer of at least ${min}`);
  return undefined;
}
