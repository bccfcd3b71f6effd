import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSignetError } from '@signet/sdk';
import { loadCliConfig } from '../src/config/config.js';

describe('loadCliConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const load = async (text: string) => {
    const file = join(dir, 'config.yaml');
    await writeFile(file, text);
    return loadCliConfig({ configFile: file, home: dir });
  };
  const problem = async (text: string): Promise<string> => {
    const error = await load(text).catch((e: unknown) => e);
    expect(isSignetError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
    return (error as Error).message;
  };

  it('has no providers when $SIGNET_HOME/config.yaml does not exist', async () => {
    expect(await loadCliConfig({ configFile: undefined, home: join(dir, 'none') })).toEqual({
      file: undefined,
      providers: [],
    });
  });

  it('reads the providers, as the server does', async () => {
    const config = await load("providers:\n  - use: '@signet/provider-aws'\n    options: { region: eu-west-1 }\n");
    expect(config.providers).toEqual([{ use: '@signet/provider-aws', options: { region: 'eu-west-1' } }]);
    expect(config.file).toBe(join(dir, 'config.yaml'));
  });

  it('names every problem on one line, with the file and the field', async () => {
    const message = await problem('providers:\n  - use: ""\n    colour: red\n  - 3\nserver: x\n');
    expect(message).not.toContain('\n');
    expect(message).toBe(
      `${join(dir, 'config.yaml')}: server: unknown field; providers[0].colour: unknown field; ` +
        'providers[0].use: expected a package name or a path; providers[1]: expected a mapping with "use"',
    );
  });

  it.each([
    ['a list at the top', '- use: a\n', 'expected a mapping with "providers"'],
    ['providers that are no list', 'providers: pkcs11\n', 'providers: expected a list'],
    [
      'options that are no mapping',
      'providers:\n  - use: a\n    options: [1]\n',
      'providers[0].options: expected a mapping',
    ],
    ['YAML it cannot read', 'providers:\n  - use: a\n   options: {}\n', 'config.yaml:3: '],
    ['a key given twice', 'providers: []\nproviders: []\n', 'config.yaml:2: '],
  ])('refuses %s', async (_, text, expected) => {
    expect(await problem(text)).toContain(expected);
  });
});
