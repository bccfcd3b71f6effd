// Authenticode signing: our signAuthenticode against `osslsigncode sign` on the same PE32+ file of
// over 100 MB (compiled here with a 110 MiB initialized array), with the same RSA-2048 key and
// certificate chain (software provider vs a PEM key file), SHA-256, no timestamp. Wall time, best
// of 3, alternating. Both read the whole file, hash it and write a signed copy.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signAuthenticode } from '@signet/sdk/formats/authenticode';
import { sharedRsaKey } from './lib/keys.mjs';
import { exec, fmt, ratio, table } from './lib/measure.mjs';

const RUNS = 3;
const MIB = 110;

async function timed(fn) {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** A real PE32+ executable whose .rdata holds a 110 MiB array, so the file is about 115 MB. */
async function buildPe(work) {
  const source = join(work, 'big.c');
  await writeFile(
    source,
    `#include <stdio.h>\nconst unsigned char blob[${MIB}u << 20] = {1, 2, 3};\n` +
      'int main(int c, char **v) { printf("%d\\n", blob[c * 1000]); return 0; }\n',
  );
  const exe = join(work, 'big.exe');
  await exec('x86_64-w64-mingw32-gcc', ['-O1', '-s', '-o', exe, source]);
  return exe;
}

export async function benchAuthenticode(dir) {
  const work = await mkdtemp(join(dir, 'authenticode-'));
  try {
    const input = await buildPe(work);
    const bytes = (await stat(input)).size;
    const { soft, signer, files } = await sharedRsaKey(work);
    const ours = join(work, 'ours.exe');
    const theirs = join(work, 'theirs.exe');
    const osslsigncode = async () => {
      await rm(theirs, { force: true }); // osslsigncode refuses to overwrite
      await exec('osslsigncode', [
        'sign',
        '-certs',
        files.chain,
        '-key',
        files.key,
        '-h',
        'sha256',
        '-in',
        input,
        '-out',
        theirs,
      ]);
    };
    const times = { sign: [], osslsigncode: [] };
    for (let i = 0; i < RUNS; i++) {
      times.sign.push(await timed(() => signAuthenticode(signer, { input, output: ours })));
      times.osslsigncode.push(await timed(osslsigncode));
    }
    await soft.close();
    // Both outputs must verify, or the comparison means nothing.
    for (const file of [ours, theirs]) await exec('osslsigncode', ['verify', '-in', file, '-CAfile', files.ca]);
    const best = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.min(...v)]));
    const rate = (seconds) => fmt(bytes / 2 ** 20 / seconds);
    console.log(`\nAuthenticode signing, ${fmt(bytes / 1e6)} MB PE32+, RSA-2048 SHA-256, wall time, best of ${RUNS}\n`);
    table(
      ['', 'seconds', 'MiB/s', 'vs osslsigncode'],
      [
        ['signAuthenticode (software key)', best.sign.toFixed(2), rate(best.sign), ratio(best.osslsigncode, best.sign)],
        ['osslsigncode sign (PEM key)', best.osslsigncode.toFixed(2), rate(best.osslsigncode), '1.00×'],
      ],
    );
    return { bytes, seconds: best };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
