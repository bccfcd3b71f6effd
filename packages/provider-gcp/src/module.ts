import { SignetError, type ProviderModule } from '@signet/sdk';
import { createGcpKmsProvider } from './gcp-kms-provider.js';
import type { GcpKmsProviderOptions, GcpKmsRetryOptions } from './options.js';
import { isKeyRingName, isLocationName, SCHEME } from './resource-name.js';

const KNOWN = ['project', 'location', 'keyRings', 'locations', 'endpoint', 'timeoutMs', 'retry'];
const RETRY_KNOWN = ['attempts', 'baseDelayMs', 'maxDelayMs'];

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Reads a configuration file's section into {@link GcpKmsProviderOptions}, naming every problem.
 * `keyRings` entries are full names, or bare ids when `project` and `location` are set; with
 * `project` and `location` and no `keyRings`, every key ring of that location is listed.
 * Credentials come from the environment only: `GOOGLE_OAUTH_ACCESS_TOKEN` (a ready token), else
 * `GOOGLE_APPLICATION_CREDENTIALS` (a key file), else Application Default Credentials.
 *
 * @throws SignetError `INVALID_ARGUMENT`
 */
export function parseGcpKmsOptions(
  options: unknown,
  env: Readonly<Record<string, string | undefined>>,
): GcpKmsProviderOptions {
  const o: Plain = isPlain(options) ? options : {};
  const problems: string[] = [];
  if (options !== undefined && !isPlain(options)) problems.push('options must be an object');
  for (const key of Object.keys(o)) if (!KNOWN.includes(key)) problems.push(`unknown option "${key}"`);
  const text = (key: string) => {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || !o[key]))
      problems.push(`${key} must be a non-empty string`);
    return typeof o[key] === 'string' && o[key] ? o[key] : undefined;
  };
  const project = text('project');
  const location = text('location');
  const endpoint = text('endpoint');
  const base = project && location ? `projects/${project}/locations/${location}` : undefined;

  const keyRings: string[] = [];
  if (o.keyRings !== undefined && !isStringList(o.keyRings)) problems.push('keyRings must be a list of key ring names');
  for (const ring of isStringList(o.keyRings) ? o.keyRings : []) {
    const name = ring.includes('/') || !base ? ring : `${base}/keyRings/${ring}`;
    if (isKeyRingName(name)) keyRings.push(name);
    else
      problems.push(`keyRings: "${ring}" is not projects/P/locations/L/keyRings/R${base ? ' or a key ring id' : ''}`);
  }
  const locations: string[] = [];
  if (o.locations !== undefined && !isStringList(o.locations))
    problems.push('locations must be a list of location names');
  for (const name of isStringList(o.locations) ? o.locations : []) {
    if (isLocationName(name)) locations.push(name);
    else problems.push(`locations: "${name}" is not projects/P/locations/L`);
  }
  if (base && o.keyRings === undefined && o.locations === undefined) locations.push(base);
  if ((project === undefined) !== (location === undefined)) problems.push('project and location go together');

  const timeoutMs = o.timeoutMs;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && (timeoutMs as number) > 0)) {
    problems.push('timeoutMs must be a positive integer (milliseconds)');
  }
  const retry = parseRetry(o.retry, problems);

  if (problems.length > 0) {
    throw new SignetError('INVALID_ARGUMENT', `Invalid Cloud KMS provider options: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  const token = env.GOOGLE_OAUTH_ACCESS_TOKEN;
  const keyFile = env.GOOGLE_APPLICATION_CREDENTIALS;
  return {
    keyRings,
    locations,
    ...(endpoint ? { endpoint } : {}),
    ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
    ...(retry ? { retry } : {}),
    ...(token ? { accessToken: token } : keyFile ? { keyFilename: keyFile } : {}),
  };
}

function parseRetry(value: unknown, problems: string[]): GcpKmsRetryOptions | undefined {
  if (value === undefined) return undefined;
  if (!isPlain(value)) {
    problems.push('retry must be an object with attempts, baseDelayMs, maxDelayMs');
    return undefined;
  }
  for (const key of Object.keys(value)) if (!RETRY_KNOWN.includes(key)) problems.push(`unknown option "retry.${key}"`);
  const { attempts, baseDelayMs, maxDelayMs } = value;
  if (attempts !== undefined && !(Number.isInteger(attempts) && (attempts as number) >= 1)) {
    problems.push('retry.attempts must be an integer of at least 1');
  }
  for (const [key, v] of [['baseDelayMs', baseDelayMs] as const, ['maxDelayMs', maxDelayMs] as const]) {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      problems.push(`retry.${key} must be a number of milliseconds, at least 0`);
    }
  }
  return value as GcpKmsRetryOptions;
}

/**
 * The provider as a configuration file names it: `providers: [{ use: '@signet/provider-gcp',
 * options: { project: 'acme', location: 'europe-west1', keyRings: ['release'] } }]`.
 */
export const signetProvider: ProviderModule = {
  scheme: SCHEME,
  create: async (options, env) => createGcpKmsProvider(parseGcpKmsOptions(options, env)),
};
