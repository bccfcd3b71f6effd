import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSignetError, loadProviderModules } from '../../src/index.js';
import { tempDir } from '../helpers/temp.js';

/** A provider package as npm installs one: an ESM entry and a CommonJS one that must not be loaded. */
async function installPackage(root: string, name: string, scheme: string): Promise<void> {
  const dir = join(root, 'node_modules', name);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name,
      type: 'module',
      exports: { '.': { import: './index.js', require: './index.cjs' }, './package.json': './package.json' },
    }),
  );
  await writeFile(
    join(dir, 'index.js'),
    `export const signetProvider = { scheme: ${JSON.stringify(scheme)}, async create(options, env) { return { scheme: ${JSON.stringify(scheme)}, options, pin: env.PIN }; } };`,
  );
  await writeFile(join(dir, 'index.cjs'), 'throw new Error("the CommonJS entry was loaded");');
}

describe('loadProviderModules', () => {
  let root: string;
  const env = { PIN: '1234' };

  beforeAll(async () => {
    root = await tempDir();
    await installPackage(root, '@acme/signet-hsm', 'acmehsm');
    await installPackage(root, 'other-hsm', 'acmehsm');
    await writeFile(
      join(root, 'local-provider.mjs'),
      'export const signetProvider = { scheme: "local", create: async () => ({ scheme: "local" }) };',
    );
    await writeFile(join(root, 'not-a-provider.mjs'), 'export const something = 1;');
  });

  it('loads a package by name from the folders given, through its ES module entry, creating nothing yet', async () => {
    const [loaded] = await loadProviderModules([{ use: '@acme/signet-hsm', options: { slot: 1 } }], {
      env,
      from: [root],
    });
    expect(loaded!.scheme).toBe('acmehsm');
    expect(await loaded!.create()).toEqual({ scheme: 'acmehsm', options: { slot: 1 }, pin: '1234' });
  });

  it('loads a module file by path, relative to the first folder', async () => {
    const [loaded] = await loadProviderModules([{ use: './local-provider.mjs' }], { env, from: [root] });
    expect(loaded!.scheme).toBe('local');
  });

  it('names the package that cannot be found, or that is not a provider, or a scheme served twice', async () => {
    const attempts = [
      [{ use: '@acme/missing' }],
      [{ use: './not-a-provider.mjs' }],
      [{ use: '@acme/signet-hsm' }, { use: 'other-hsm' }],
    ];
    for (const entries of attempts) {
      const error = await loadProviderModules(entries, { env, from: [root] }).catch((e: unknown) => e);
      expect(isSignetError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
      expect((error as Error).message).toContain(entries.at(-1)!.use === 'other-hsm' ? 'acmehsm' : entries[0]!.use);
    }
  });
});

describe('isSignetError', () => {
  it('recognises an error made by another copy of the SDK, and nothing else that looks like one', () => {
    class OtherCopy extends Error {
      override readonly name = 'SignetError';
      readonly code = 'KEY_NOT_FOUND';
    }
    Object.defineProperty(OtherCopy.prototype, Symbol.for('@signet/sdk/SignetError'), { value: true });
    expect(isSignetError(new OtherCopy('no key'), 'KEY_NOT_FOUND')).toBe(true);
    expect(isSignetError(new OtherCopy('no key'), 'THROTTLED')).toBe(false);
    expect(isSignetError(Object.assign(new Error('x'), { name: 'SignetError', code: 'KEY_NOT_FOUND' }))).toBe(false);
  });
});
