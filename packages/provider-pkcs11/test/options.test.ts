import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSignetError, type SignetError } from '@signet/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePkcs11Options } from '../src/index.js';

const module = '/usr/lib/softhsm/libsofthsm2.so';

async function refusal(options: unknown, env: Record<string, string> = {}): Promise<SignetError> {
  try {
    await parsePkcs11Options(options, env);
  } catch (error) {
    if (isSignetError(error)) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('provider options from a configuration file', () => {
  it('take the PIN from SIGNET_PKCS11_PIN by default', async () => {
    expect(await parsePkcs11Options({ module, token: 'ci' }, { SIGNET_PKCS11_PIN: '1234' })).toMatchObject({
      module,
      token: 'ci',
      pin: '1234',
    });
    expect((await parsePkcs11Options({ module, token: 'ci' }, {})).pin).toBeUndefined();
  });

  it('take the PIN from the variable pinEnv names', async () => {
    const options = await parsePkcs11Options({ module, token: 'ci', pinEnv: 'HSM_PIN' }, { HSM_PIN: '9999' });
    expect(options.pin).toBe('9999');
    expect((await refusal({ module, token: 'ci', pinEnv: 'HSM_PIN' })).details.problems).toEqual([
      'pinEnv: the variable HSM_PIN is not set',
    ]);
  });

  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'signet-pin-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('take the PIN from the first line of pinFile', async () => {
    await writeFile(join(dir, 'pin'), '5678\n');
    await writeFile(join(dir, 'empty'), '\n');
    const options = await parsePkcs11Options(
      { module, tokenSerial: 'abc', pinFile: join(dir, 'pin') },
      { SIGNET_PKCS11_PIN: 'x' },
    );
    expect(options.pin).toBe('5678');
    expect((await refusal({ module, token: 'ci', pinFile: join(dir, 'missing') })).code).toBe('IO_ERROR');
    expect((await refusal({ module, token: 'ci', pinFile: join(dir, 'empty') })).code).toBe('INVALID_ARGUMENT');
  });

  it('refuse a PIN in the file itself, and name every wrong option', async () => {
    const error = await refusal({
      pin: '1234',
      sessions: 0,
      colour: 'red',
      pinEnv: 'A',
      pinFile: '/p',
      retry: { tries: 3 },
    });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.problems).toEqual([
      'pin: never put the PIN in the configuration; use SIGNET_PKCS11_PIN, pinEnv or pinFile',
      'colour: unknown option',
      'module: must be a non-empty string',
      'token or tokenSerial: one is required',
      'pinEnv and pinFile: give one, not both',
      'sessions: must be an integer from 1 to 256',
      'retry.tries: unknown option',
      'pinEnv: the variable A is not set',
    ]);
    expect(JSON.stringify(error.details)).not.toContain('1234');
    expect((await refusal('module=x')).code).toBe('INVALID_ARGUMENT');
  });
});
