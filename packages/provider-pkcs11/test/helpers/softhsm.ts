import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

const run = promisify(execFile);

/** Folders made by this test file, removed after it (registered here, at collection: hooks added while tests run are ignored). */
const folders: string[] = [];
afterAll(() => Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true }))));

/** SoftHSM2's PKCS#11 module (Debian `softhsm2`). */
export const MODULE = process.env.SIGNET_TEST_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

export interface TestToken {
  readonly label: string;
  readonly pin: string;
  readonly soPin: string;
  /** The token folder and config live here; removed after the test file. */
  readonly dir: string;
}

/**
 * Points SoftHSM2 at a fresh token folder in a temporary directory (SOFTHSM2_CONF, read by the
 * module at C_Initialize, so set before any provider opens) and initializes a token in it.
 */
export async function createSoftHsm(labels: readonly string[], pin = '1234'): Promise<TestToken[]> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-softhsm-'));
  folders.push(dir);
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${dir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const tokens: TestToken[] = [];
  for (const label of labels) {
    const soPin = '87654321';
    await run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', pin]);
    tokens.push({ label, pin, soPin, dir });
  }
  return tokens;
}

/** Runs OpenSC's pkcs11-tool against the token, logged in. */
export async function pkcs11Tool(token: TestToken, args: string[]): Promise<string> {
  const { stdout } = await run('pkcs11-tool', [
    '--module',
    MODULE,
    '--token-label',
    token.label,
    '--login',
    '--pin',
    token.pin,
    ...args,
  ]);
  return stdout;
}

/** Generates a key pair with pkcs11-tool: `rsa:2048`, `EC:prime256v1`, `EC:secp384r1`, ... */
export async function toolKeyPair(token: TestToken, keyType: string, id: string, label: string): Promise<void> {
  await pkcs11Tool(token, ['--keypairgen', '--key-type', keyType, '--id', id, '--label', label]);
}
