import { isSignetError, type SignetError } from '@signet/sdk';
import { createAwsKmsProvider, type AwsKmsProviderOptions } from '../src/index.js';
import type { FakeKms } from './fake-kms.js';

// The SDK warns once per process that its 2027 releases will need Node 22; Node 20 is supported here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The provider under test, with the real KMS client pointed at the fake and short backoffs. */
export function openProvider(fake: FakeKms, options: Partial<AwsKmsProviderOptions> = {}) {
  return createAwsKmsProvider({
    region: fake.region,
    endpoint: fake.endpoint,
    credentials: fake.credentials,
    retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

/** The code a promise rejects with (a SignetError's), or 'resolved'. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    const e = error as { name?: string; code?: string };
    return e.name === 'SignetError' ? e.code! : `not a SignetError: ${String(error)}`;
  }
}

/** The SignetError a promise rejects with; fails the test when it resolves or throws something else. */
export async function failure(promise: Promise<unknown>): Promise<SignetError> {
  try {
    await promise;
  } catch (error) {
    if (isSignetError(error)) return error;
    throw new Error(`expected a SignetError, got ${String(error)}`);
  }
  throw new Error('expected a SignetError, but the call succeeded');
}
