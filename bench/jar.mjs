// JAR signing: our signJar against `jarsigner` on the same 10,000-entry JAR (built with the JDK's
// `jar`), with the same RSA-2048 key and certificate chain (software provider vs a PKCS#12 key
// store), SHA-256 digests, no timestamp. Wall time, best of 3, alternating. jarsigner's time
// includes starting the JVM: a build pays that on each call. Verification is compared too, both
// sides reading the JAR jarsigner signed.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signJar, verifyJar } from '@signet/sdk/formats/jar';
import { sharedRsaKey } from './lib/keys.mjs';
import { exec, fmt, ratio, table } from './lib/measure.mjs';

const ENTRIES = 10_000;
const RUNS = 3;
const PASS = 'bench-pass';

async function timed(fn) {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** 10,000 class-sized files (100 B to 1 KiB) in 100 packages, packed by the JDK's `jar`. */
async function buildJar(work) {
  const root = join(work, 'src');
  for (let d = 0; d < 100; d++) {
    const folder = join(root, 'org', 'example', `p${d}`);
    await mkdir(folder, { recursive: true });
    await Promise.all(
      Array.from({ length: ENTRIES / 100 }, (_, f) =>
        writeFile(join(folder, `C${f}.class`), `class ${d}.${f} `.repeat(10 + ((d * 7 + f) % 90))),
      ),
    );
  }
  const jar = join(work, 'app.jar');
  await exec('jar', ['cf', jar, '-C', root, '.']);
  return jar;
}

/** The shared RSA-2048 key, also in a PKCS#12 store for jarsigner. */
async function keys(work) {
  const { soft, signer, files } = await sharedRsaKey(work);
  const store = join(work, 'release.p12');
  await exec('openssl', [
    'pkcs12',
    '-export',
    '-inkey',
    files.key,
    '-in',
    files.cert,
    '-certfile',
    files.ca,
    '-name',
    'release',
    '-out',
    store,
    '-passout',
    `pass:${PASS}`,
  ]);
  return { soft, signer, store };
}

export async function benchJar(dir) {
  const work = await mkdtemp(join(dir, 'jar-'));
  try {
    const input = await buildJar(work);
    const { soft, signer, store } = await keys(work);
    const ours = join(work, 'ours.jar');
    const theirs = join(work, 'theirs.jar');
    const jarsigner = () =>
      exec(
        'jarsigner',
        [
          '-keystore',
          store,
          '-storepass',
          PASS,
          '-digestalg',
          'SHA-256',
          '-sigalg',
          'SHA256withRSA',
          '-signedjar',
          theirs,
          input,
          'release',
        ],
        { maxBuffer: 1 << 20 },
      );
    const jarsignerVerify = () => exec('jarsigner', ['-verify', theirs], { maxBuffer: 16 << 20 });
    const times = { sign: [], jarsigner: [], verify: [], jarsignerVerify: [] };
    for (let i = 0; i < RUNS; i++) {
      times.sign.push(await timed(() => signJar(signer, { input, output: ours })));
      times.jarsigner.push(await timed(jarsigner));
    }
    for (let i = 0; i < RUNS; i++) {
      times.verify.push(await timed(() => verifyJar(theirs)));
      times.jarsignerVerify.push(await timed(jarsignerVerify));
    }
    await soft.close();
    const best = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.min(...v)]));
    const rate = (seconds) => fmt(ENTRIES / seconds);
    console.log(`\nJAR signing, ${fmt(ENTRIES)} entries, RSA-2048 SHA-256, wall time, best of ${RUNS}\n`);
    table(
      ['', 'seconds', 'entries/s', 'vs jarsigner'],
      [
        ['signJar (software key)', best.sign.toFixed(2), rate(best.sign), ratio(best.jarsigner, best.sign)],
        ['jarsigner (PKCS#12)', best.jarsigner.toFixed(2), rate(best.jarsigner), '1.00×'],
        ['verifyJar', best.verify.toFixed(2), rate(best.verify), ratio(best.jarsignerVerify, best.verify)],
        ['jarsigner -verify', best.jarsignerVerify.toFixed(2), rate(best.jarsignerVerify), '1.00×'],
      ],
    );
    return { entries: ENTRIES, seconds: best };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
