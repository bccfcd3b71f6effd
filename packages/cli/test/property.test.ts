import { readdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { sandbox, type Sandbox } from './helpers/cli.js';

const WORDS = [
  'keys',
  'create',
  'list',
  'show',
  'cert',
  'import-cert',
  'import',
  'sign',
  'verify',
  'digest',
  'help',
  '--json',
  '--quiet',
  '-q',
  '--no-progress',
  '--keystore',
  '--key',
  '-k',
  '--format',
  '-f',
  '--algorithm',
  '-a',
  '--out',
  '-o',
  '--base64',
  '--force',
  '--signature',
  '-s',
  '--public-key',
  '--cert',
  '--ca',
  '--type',
  '-t',
  '--subject',
  '--days',
  '--help',
  '-h',
  '--version',
  '-V',
  '--',
  'raw',
  'cms',
  'soft://k',
  'soft://missing',
  'k',
  'soft:',
  'pkcs11:object=x',
  'a.bin',
  'a.bin.p7s',
  'a.bin.sig',
  'k.pem',
  'k.pub.pem',
  'sigs',
  'sigs/',
  'new.out',
  'missing.bin',
  'ecdsa-p256-sha256',
  'rsa-pss-sha256',
  'sha512',
  'ec-p256',
  'rsa-2048',
  'ec-p384',
  '0',
  '-1',
  '365',
  '1e9',
  'CN=x',
  'CN=a, O=b',
  'C=XX',
  '',
  ' ',
  '=',
];

const TAKES_VALUE = new Set([
  '--keystore',
  '--key',
  '-k',
  '--format',
  '-f',
  '--algorithm',
  '-a',
  '--out',
  '-o',
  '--signature',
  '-s',
  '--public-key',
  '--cert',
  '--ca',
  '--type',
  '-t',
  '--subject',
  '--days',
]);

/** Random strings, except ones that name a place outside the working folder on purpose. */
const text = fc.string({ maxLength: 12 }).filter((s) => !s.includes('..') && !s.startsWith('/') && !s.startsWith('~'));
const COMMANDS = [
  [],
  ['keys'],
  ['keys', 'create'],
  ['keys', 'list'],
  ['keys', 'show'],
  ['keys', 'cert'],
  ['keys', 'import-cert'],
  ['keys', 'import'],
  ['sign'],
  ['verify'],
  ['digest'],
];
const tail = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: text }), {
  maxLength: 8,
});
/** Mostly a real command followed by anything, so runs get past the parser into the commands. */
const argv = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(...COMMANDS), tail).map(([command, rest]) => [...command, ...rest]),
  },
  { weight: 1, arbitrary: tail },
);

async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

describe('signet, given any command line', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = await sandbox();
    await box.cli(['keys', 'create', 'k']);
    await box.cli(['keys', 'cert', 'k', '--out', 'k.pem']);
    await writeFile(join(box.cwd, 'k.pub.pem'), (await box.cli(['keys', 'show', 'k', '--public-key'])).stdout);
    await writeFile(join(box.cwd, 'a.bin'), 'artifact\n');
    await box.cli(['sign', 'a.bin', '--key', 'k']);
  });

  it('never throws, always exits with a documented status, and writes only inside its sandbox', async () => {
    const outside = [process.cwd(), homedir(), join(box.root, '..')];
    const before = await Promise.all(outside.map(listing));
    const named = new Set<string>(['.signet']);
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        for (const arg of args) for (const suffix of ['', '.p7s', '.sig']) named.add(arg + suffix);
        const result = await box.cli(args);
        expect(EXIT_CODES.has(result.code), `${JSON.stringify(args)} → ${result.code}`).toBe(true);
        const flags = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
        const help = flags.some((a) => ['--help', '-h', 'help', '--version', '-V'].includes(a));
        // `--out --json` makes a file named --json: only a --json that is not an option's value counts.
        const json = flags.some((a, i) => a === '--json' && !TAKES_VALUE.has(flags[i - 1] ?? ''));
        if (json && !help) {
          // Exactly one JSON document on stdout: the result, or the error.
          const document = JSON.parse(result.stdout) as { error?: { code: string } };
          expect(document.error === undefined, result.stdout).toBe(result.code === 0);
        }
        if (result.code !== 0) {
          // A failure is explained (usage help or one `signet:` line on stderr, or a JSON error), never silent.
          expect(result.stderr !== '' || /^\{\n {2}"error"/.test(result.stdout), JSON.stringify(args)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    const after = await Promise.all(outside.map(listing));
    // Other processes may create files there meanwhile: look only for names the runs could have made.
    const created = after.flatMap((names, i) => names.filter((n) => !before[i]!.includes(n) && named.has(n)));
    expect(created).toEqual([]);
  }, 180_000);
});
