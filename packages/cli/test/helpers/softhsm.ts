import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** SoftHSM2's PKCS#11 module (Debian `softhsm2`). */
export const MODULE = process.env.SIGNET_TEST_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

export interface TestToken {
  readonly label: string;
  readonly pin: string;
}

/**
 * A fresh SoftHSM2 token in `dir`. Sets SOFTHSM2_CONF in this process, which the module reads at
 * C_Initialize: call it before any command opens the provider.
 */
export async function createToken(dir: string, label: string, pin = '1234'): Promise<TestToken> {
  await mkdir(join(dir, 'tokens'), { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  await run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '87654321', '--pin', pin]);
  return { label, pin };
}

/** A key pair made on the token by OpenSC's pkcs11-tool, as an operator would: `EC:prime256v1`, `rsa:2048`. */
export async function toolKeyPair(token: TestToken, keyType: string, id: string, label: string): Promise<void> {
  await run('pkcs11-tool', [
    ...['--module', MODULE, '--token-label', token.label, '--login', '--pin', token.pin],
    ...['--keypairgen', '--key-type', keyType, '--id', id, '--label', label],
  ]);
}
