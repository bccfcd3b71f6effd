// OpenPGP detached signatures over a 1 GiB file: our `.asc` (software RSA-2048 key, the file
// hashed here and only the digest signed) against `gpg --detach-sign --armor` with a gpg-made
// RSA-2048 key, both SHA-256, in the same run. Both signatures are checked by gpg once.
import { randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSigner } from '@signet/sdk';
import { exportPgpPublicKey, signPgpDetached } from '@signet/sdk/formats/pgp';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { exec, fmt, ratio, table } from './lib/measure.mjs';

const SIZE = 1 << 30;

async function writeRandomFile(path) {
  const handle = await open(path, 'w');
  const chunk = Buffer.alloc(16 << 20);
  for (let written = 0; written < SIZE; written += chunk.length) await handle.write(randomFillSync(chunk));
  await handle.close();
}

async function seconds(fn) {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

export async function benchPgp(dir) {
  const work = await mkdtemp(join(dir, 'pgp-'));
  try {
    const file = join(work, 'artifact-1GiB.bin');
    await writeRandomFile(file);
    const home = join(work, 'gnupg');
    await mkdir(home, { mode: 0o700 });
    const gpg = (args) =>
      exec('gpg', ['--batch', '--no-tty', '--quiet', ...args], { env: { ...process.env, GNUPGHOME: home } });
    await gpg(['--passphrase', '', '--quick-gen-key', 'Bench <bench@example.com>', 'rsa2048', 'sign', 'never']);

    const soft = await createSoftKeyProvider({
      directory: join(work, 'keys'),
      secret: { passphrase: 'bench' },
      scryptCost: { N: 1024, r: 8, p: 1 },
    });
    const key = await soft.generateKey({ name: 'pgp', spec: 'rsa-2048' });
    const signer = await createSigner(soft, key.uri, { algorithm: 'rsa-pkcs1-sha256' });
    const exported = await exportPgpPublicKey(signer, { userId: 'Signet bench <bench@example.com>' });
    await writeFile(join(work, 'ours.key.asc'), exported.armored);
    await gpg(['--import', join(work, 'ours.key.asc')]);

    const ourSig = join(work, 'ours.asc');
    const gpgSig = join(work, 'gpg.asc');
    const signOurs = async () => writeFile(ourSig, await signPgpDetached(signer, { path: file }));
    const signGpg = () =>
      gpg(['--yes', '--digest-algo', 'SHA256', '--armor', '--output', gpgSig, '--detach-sign', file]);
    // The first run of each warms the page cache; then alternate, best of 2.
    await signOurs();
    await signGpg();
    const ours = [];
    const theirs = [];
    for (let i = 0; i < 2; i++) {
      ours.push(await seconds(signOurs));
      theirs.push(await seconds(signGpg));
    }
    for (const sig of [ourSig, gpgSig]) await gpg(['--trust-model', 'always', '--verify', sig, file]);
    await soft.close?.();

    const best = { ours: Math.min(...ours), gpg: Math.min(...theirs) };
    const mibs = (s) => SIZE / (1 << 20) / s;
    console.log('\nOpenPGP detached signature (.asc), 1 GiB, RSA-2048 SHA-256, best of 2 (page cache warm)\n');
    table(
      ['', 'seconds', 'MiB/s', 'vs gpg'],
      [
        ['signPgpDetached (soft key)', fmt(best.ours, 2), fmt(mibs(best.ours)), ratio(best.gpg, best.ours)],
        ['gpg --detach-sign --armor', fmt(best.gpg, 2), fmt(mibs(best.gpg)), '1.00×'],
      ],
    );
    return { oursSeconds: best.ours, gpgSeconds: best.gpg, speedup: best.gpg / best.ours };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
