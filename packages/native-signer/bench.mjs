// Micro benchmark: native prehash signing against `openssl speed` run in the same session.
// Usage: node bench.mjs [--seconds 3] [--rounds 1]   (re-executes itself with UV_THREADPOOL_SIZE=2)
// A round runs `openssl speed -seconds N ecdsap256 rsa3072`, then every case for N seconds. With
// several rounds the best of each counts, so other work on a shared machine skews ratios less.
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const THREADS = '2';
if (process.env.UV_THREADPOOL_SIZE !== THREADS) {
  // The pool size must be fixed before libuv starts its pool, so set it for a fresh process.
  const env = { ...process.env, UV_THREADPOOL_SIZE: THREADS };
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    env,
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}

const native = createRequire(import.meta.url)('./index.cjs');
if (!native.available) throw new Error(`addon not built: ${native.loadError?.message}`);
const option = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const rounds = option('--rounds', 1);
const seconds = option('--seconds', 3);

function opensslSpeed() {
  const out = execFileSync('openssl', ['speed', '-seconds', String(seconds), 'ecdsap256', 'rsa3072'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // "rsa 3072 bits 0.002178s 0.000046s    459.1  21739.1" / " 256 bits ecdsa (nistp256) ... sign/s verify/s"
  const rsa = out.match(/^rsa 3072 bits\s+\S+\s+\S+\s+([\d.]+)/m);
  const ec = out.match(/256 bits ecdsa \(nistp256\)\s+\S+\s+\S+\s+([\d.]+)/m);
  return { p256: Number(ec?.[1]), rsa3072: Number(rsa?.[1]) };
}

function syncRate(fn) {
  for (let i = 0; i < 20; i++) fn(); // warm up
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
  }
  return n / seconds;
}

async function asyncRate(fn, inFlight = 64) {
  let n = 0;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      await fn();
      n++;
    }
  };
  const workers = Array.from({ length: inFlight }, worker);
  await new Promise((r) => setTimeout(r, 100)); // warm up
  const start = n;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const rate = ((n - start) * 1000) / (performance.now() - t0);
  stop = true;
  await Promise.all(workers);
  return rate;
}

function pkcs8(key) {
  return key.export({ type: 'pkcs8', format: 'der' });
}

async function noble(digest) {
  // Optional: @noble/curves is a dependency of @signet/sdk, not of this package.
  const require = createRequire(import.meta.url);
  let p256;
  for (const from of ['./package.json', '../sdk/package.json']) {
    try {
      const path = createRequire(require.resolve(from)).resolve('@noble/curves/nist.js');
      p256 = (await import(path)).p256;
      break;
    } catch {}
  }
  if (!p256) return undefined;
  const secret = p256.utils.randomSecretKey();
  return () => p256.sign(digest, secret, { prehash: false });
}

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 3072 });
const ecKey = native.loadPrivateKey(pkcs8(ec.privateKey));
const rsaKey = native.loadPrivateKey(pkcs8(rsa.privateKey));
const message = Buffer.from('benchmark message');
const digest = createHash('sha256').update(message).digest();

const nobleSign = await noble(digest);
const cases = {
  'openssl speed ecdsap256 (1 core)': { base: 'p256' },
  'native P-256 sign (sync)': { base: 'p256', run: () => syncRate(() => ecKey.sign('ecdsa', 'sha256', digest)) },
  'native P-256 signAsync (2 threads)': {
    base: 'p256',
    run: () => asyncRate(() => ecKey.signAsync('ecdsa', 'sha256', digest)),
  },
  'node crypto.sign sha256 P-256 (hashes again)': {
    base: 'p256',
    run: () => syncRate(() => nodeSign('sha256', message, ec.privateKey)),
  },
  '@noble/curves p256 prehash:false': { base: 'p256', run: nobleSign && (() => syncRate(nobleSign)), optional: true },
  'openssl speed rsa3072 (1 core)': { base: 'rsa3072' },
  'native RSA-3072 pkcs1 sign (sync)': {
    base: 'rsa3072',
    run: () => syncRate(() => rsaKey.sign('pkcs1', 'sha256', digest)),
  },
  'native RSA-3072 pkcs1 signAsync (2 threads)': {
    base: 'rsa3072',
    run: () => asyncRate(() => rsaKey.signAsync('pkcs1', 'sha256', digest), 8),
  },
};

const setup = `UV_THREADPOOL_SIZE=${THREADS}, ${seconds}s per case, best of ${rounds} round(s)`;
console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${setup}`);
const best = { p256: 0, rsa3072: 0 };
for (let round = 0; round < rounds; round++) {
  const speed = opensslSpeed();
  best.p256 = Math.max(best.p256, speed.p256);
  best.rsa3072 = Math.max(best.rsa3072, speed.rsa3072);
  for (const c of Object.values(cases)) {
    if (c.run) c.best = Math.max(c.best ?? 0, await c.run());
  }
}
for (const [name, c] of Object.entries(cases)) {
  const rate = c.optional || c.run ? c.best : best[c.base];
  if (rate === undefined) console.log(`${name.padEnd(46)} (skipped: not installed)`);
  else
    console.log(
      `${name.padEnd(46)} ${rate.toFixed(0).padStart(7)} sign/s  ${(rate / best[c.base]).toFixed(2)}x openssl`,
    );
}
