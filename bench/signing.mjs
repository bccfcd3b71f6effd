// Software-provider signing: operations per second for each algorithm, as ratios against
// (a) the same operation done directly with the crypto library underneath (the cost of our
// layers: URI lookup, checks, async), and (b) `openssl speed` for the same key type.
import { constants, createPrivateKey, privateEncrypt, randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { createSigner, digestInfo, getAlgorithm } from '@signet/sdk';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { exec, fmt, opsPerSecond, opsPerSecondConcurrent, opsPerSecondSync, ratio, table } from './lib/measure.mjs';

/** Callers in flight for the concurrent column: RSA on the native route spreads over libuv's pool. */
const IN_FLIGHT = 8;

const CASES = [
  ['rsa-2048', 'rsa-pkcs1-sha256', 'rsa2048'],
  ['rsa-3072', 'rsa-pkcs1-sha256', 'rsa3072'],
  ['rsa-3072', 'rsa-pkcs1-sha384', 'rsa3072'],
  ['rsa-3072', 'rsa-pkcs1-sha512', 'rsa3072'],
  ['rsa-3072', 'rsa-pss-sha256', 'rsa3072'],
  ['rsa-3072', 'rsa-pss-sha384', 'rsa3072'],
  ['rsa-3072', 'rsa-pss-sha512', 'rsa3072'],
  ['rsa-4096', 'rsa-pkcs1-sha256', 'rsa4096'],
  ['ec-p256', 'ecdsa-p256-sha256', 'ecdsap256'],
  ['ec-p384', 'ecdsa-p384-sha384', 'ecdsap384'],
  ['ec-p521', 'ecdsa-p521-sha512', 'ecdsap521'],
];

/** `openssl speed -mr` output → sign/s per algorithm name (one core, same run). */
async function opensslSpeed(seconds) {
  const names = [...new Set(CASES.map((c) => c[2]))];
  const { stdout } = await exec('openssl', ['speed', '-mr', '-seconds', String(seconds), ...names], {
    maxBuffer: 1 << 20,
  });
  const rates = {};
  for (const line of stdout.split('\n')) {
    // +F2:<index>:<bits>:<sign/s>:<verify/s> (RSA), +F4:... (ECDSA)
    const m = /^\+F[24]:\d+:(\d+):([\d.e+-]+):/.exec(line);
    if (m) rates[(line.startsWith('+F2') ? 'rsa' : 'ecdsap') + m[1]] = Number(m[2]);
  }
  return rates;
}

/** The library call underneath each route, with no Signet code in between. */
function directCall(route, pkcs8, algorithm, native) {
  if (route === 'native') {
    const key = native.loadPrivateKey(pkcs8);
    return (digest) => key.sign(algorithm.scheme, algorithm.hash, digest);
  }
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  if (algorithm.scheme === 'ecdsa') {
    const d = Buffer.from(key.export({ format: 'jwk' }).d, 'base64url');
    const curve = { 'P-256': p256, 'P-384': p384, 'P-521': p521 }[algorithm.curve];
    return (digest) => curve.sign(digest, d, { prehash: false, lowS: false, format: 'der' });
  }
  if (algorithm.scheme === 'pkcs1') {
    return (digest) =>
      privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo(algorithm.hash, digest));
  }
  return undefined; // PSS has no single library call on the portable route: EMSA-PSS is ours
}

export async function benchSigning(dir, { seconds = 1.5 } = {}) {
  const native = await import('@signet/native-signer').then(
    (m) => (m.available ? m : undefined),
    () => undefined,
  );
  const routes = native ? ['native', 'portable'] : ['portable'];
  const speed = await opensslSpeed(2);
  const results = [];
  for (const route of routes) {
    const directory = await mkdtemp(join(dir, `keys-${route}-`));
    const soft = await createSoftKeyProvider({
      directory,
      secret: { passphrase: 'bench' },
      scryptCost: { N: 1024, r: 8, p: 1 },
      backend: route,
    });
    // The bench imports the same PKCS#8 it gives the provider, so both sides use one key.
    const keys = {};
    for (const [spec] of CASES) {
      if (keys[spec]) continue;
      const { generateKeyPairSync } = await import('node:crypto');
      const pair = spec.startsWith('rsa')
        ? generateKeyPairSync('rsa', { modulusLength: Number(spec.slice(4)) })
        : generateKeyPairSync('ec', {
            namedCurve: { 'ec-p256': 'P-256', 'ec-p384': 'P-384', 'ec-p521': 'P-521' }[spec],
          });
      keys[spec] = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
      await soft.importKey({ name: spec, pkcs8: keys[spec] });
    }
    const rows = [];
    for (const [spec, id, opensslName] of CASES) {
      const algorithm = getAlgorithm(id);
      const signer = await createSigner(soft, `soft://${spec}`, { algorithm: id });
      const digest = randomBytes(algorithm.digestLength);
      const ours = await opsPerSecond(() => signer.sign(digest), seconds);
      const concurrent = await opsPerSecondConcurrent(() => signer.sign(digest), IN_FLIGHT, seconds);
      const call = directCall(route, keys[spec], algorithm, native);
      const direct = call ? opsPerSecondSync(() => call(digest), seconds) : undefined;
      const openssl = speed[opensslName];
      results.push({ route, spec, algorithm: id, ours, concurrent, direct, openssl });
      rows.push([
        `${spec} ${id}`,
        fmt(ours),
        direct ? fmt(direct) : '—',
        direct ? ratio(ours, direct) : '—',
        fmt(openssl),
        ratio(ours, openssl),
        fmt(concurrent),
        ratio(concurrent, openssl),
      ]);
    }
    await soft.close();
    console.log(
      `\nSoftware provider signing, ${route} route (ops/s): one caller awaiting each signature, then ${IN_FLIGHT} in flight\n`,
    );
    table(
      [
        'key algorithm',
        'signet',
        'direct',
        'vs direct',
        'openssl speed',
        'vs openssl',
        `${IN_FLIGHT} in flight`,
        'vs openssl',
      ],
      rows,
    );
  }
  return results;
}
