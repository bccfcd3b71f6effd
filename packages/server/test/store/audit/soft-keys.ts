import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSoftKeyProvider, type SoftKeyProvider } from '@signet/sdk/soft';
import { onTestFinished } from 'vitest';

/**
 * A software key store in a temporary folder with cheap scrypt (the production cost is the SDK's
 * own test), holding the P-256 keys named in `keys`.
 */
export async function softKeys(...keys: string[]): Promise<SoftKeyProvider> {
  const directory = await mkdtemp(join(tmpdir(), 'signet-keys-'));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  const soft = await createSoftKeyProvider({
    directory,
    secret: { passphrase: 'correct horse' },
    scryptCost: { N: 1024, r: 8, p: 1 },
  });
  for (const name of keys) await soft.generateKey({ name, spec: 'ec-p256' });
  return soft;
}
