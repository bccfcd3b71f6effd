// PKCS#11 signing through @signet/provider-pkcs11 on SoftHSM2: signatures per second with one
// session (one caller awaiting each signature) and with N sessions (N callers in flight), each as a
// ratio against the same C_Sign loop driven directly with graphene, in the same run, on the same
// token and keys. The gap is the provider's own cost: URI lookup, checks, the session pool,
// retries, DigestInfo and DER encoding.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { digestInfo, getAlgorithm } from '@signet/sdk';
import { exec, fmt, ratio, table } from './lib/measure.mjs';

const MODULE = process.env.SIGNET_BENCH_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
/** Sessions (and callers in flight) in the N column: libuv's thread pool runs 4 C_Sign at once. */
const SESSIONS = 4;
const PIN = '1234';
const CASES = [
  ['ec-p256', 'ecdsa-p256-sha256', 'ECDSA'],
  ['rsa-2048', 'rsa-pkcs1-sha256', 'RSA_PKCS'],
];

// graphene is CommonJS; the provider imports it the same way.
const graphene = createRequire(import.meta.url)('graphene-pk11');

/** A fresh SoftHSM2 token in `dir`; SOFTHSM2_CONF is read at C_Initialize, so set before loading. */
async function softHsmToken(dir) {
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${dir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  await exec('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--so-pin', '87654321', '--pin', PIN]);
}

/** Runs `fn` with `inFlight` callers, each awaiting it in a loop, for `ms`; returns [ops, ms taken]. */
async function slice(fn, inFlight, ms) {
  const start = performance.now();
  const deadline = start + ms;
  let ops = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await fn();
      ops++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return [ops, performance.now() - start];
}

/**
 * Ops per second of each variant, measured in short alternating slices (A B B A ...) rather than
 * one after the other: on a shared machine the load changes by the second, and a ratio is only
 * fair when both sides ran under the same load.
 */
async function interleaved(variants, seconds, rounds = 20) {
  const totals = variants.map(() => [0, 0]);
  for (const v of variants) for (let i = 0; i < 20; i++) await v.fn(); // warm up
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants.keys() : [...variants.keys()].reverse();
    for (const i of order) {
      const [ops, ms] = await slice(variants[i].fn, variants[i].inFlight, (seconds * 1000) / rounds);
      totals[i][0] += ops;
      totals[i][1] += ms;
    }
  }
  return totals.map(([ops, ms]) => ops / (ms / 1000));
}

/** graphene alone: one C_SignInit + C_Sign per signature, on a session of its own. */
function rawSigner(session, label, mechanism) {
  const key = session.find({ class: graphene.ObjectClass.PRIVATE_KEY, label }).items(0).toType();
  return {
    sync: (input) => session.createSign(mechanism, key).once(input),
    async: (input) =>
      new Promise((resolve, reject) =>
        session
          .createSign(mechanism, key)
          .once(input, (error, signature) => (error ? reject(error) : resolve(signature))),
      ),
  };
}

export async function benchPkcs11(dir, { seconds = 2 } = {}) {
  if (!existsSync(MODULE)) {
    console.log(`\nPKCS#11: skipped, no module at ${MODULE} (install softhsm2)`);
    return { skipped: true };
  }
  const { createPkcs11Provider } = await import('@signet/provider-pkcs11');
  const tokenDir = await mkdtemp(join(dir, 'softhsm-'));
  await softHsmToken(tokenDir);
  const options = { module: MODULE, token: 'bench', pin: PIN };
  const one = await createPkcs11Provider({ ...options, sessions: 1 });
  const many = await createPkcs11Provider({ ...options, sessions: SESSIONS });
  // The same library, loaded a second time: PKCS#11 state is per process, so these sessions are
  // already logged in by the provider.
  const module = graphene.Module.load(MODULE, 'bench-baseline');
  module.initialize({ flags: 2 });
  const slot = module.getSlots(0);
  const sessions = Array.from({ length: SESSIONS }, () => slot.open(graphene.SessionFlag.SERIAL_SESSION));
  const results = [];
  const rows = [];
  try {
    for (const [spec, id, mechanism] of CASES) {
      await one.generateKey({ name: spec, spec });
      const algorithm = getAlgorithm(id);
      const digest = randomBytes(algorithm.digestLength);
      const input = algorithm.scheme === 'pkcs1' ? digestInfo(algorithm.hash, digest) : digest;
      const params = { key: `pkcs11:token=bench;object=${spec}`, algorithm: id, digest };
      const raw = sessions.map((s) => rawSigner(s, spec, mechanism));

      // Each caller in flight signs on a session no other caller is using, as C_Sign requires.
      const free = [...raw];
      const rawOnFreeSession = async () => {
        const signer = free.pop();
        try {
          return await signer.async(input);
        } finally {
          free.push(signer);
        }
      };
      const [ours1, raw1, rawSync] = await interleaved(
        [
          { fn: () => one.sign(params), inFlight: 1 },
          { fn: () => raw[0].async(input), inFlight: 1 },
          { fn: async () => raw[0].sync(input), inFlight: 1 },
        ],
        seconds,
      );
      const [oursN, rawN] = await interleaved(
        [
          { fn: () => many.sign(params), inFlight: SESSIONS },
          { fn: rawOnFreeSession, inFlight: SESSIONS },
        ],
        seconds,
      );
      results.push({ spec, algorithm: id, sessions: SESSIONS, ours1, raw1, rawSync, oursN, rawN });
      rows.push([
        `${spec} ${id}`,
        fmt(ours1),
        fmt(raw1),
        ratio(ours1, raw1),
        fmt(oursN),
        fmt(rawN),
        ratio(oursN, rawN),
        ratio(oursN, ours1),
        fmt(rawSync),
      ]);
    }
  } finally {
    for (const s of sessions) s.close();
    await one.close();
    await many.close();
    await rm(tokenDir, { recursive: true, force: true });
  }
  console.log(
    `\nPKCS#11 signing on SoftHSM2 (sign/s): @signet/provider-pkcs11 against graphene's C_Sign loop, ` +
      `1 session (one caller) and ${SESSIONS} sessions (${SESSIONS} in flight)\n`,
  );
  table(
    [
      'key algorithm',
      'provider 1',
      'graphene 1',
      'vs graphene',
      `provider ${SESSIONS}`,
      `graphene ${SESSIONS}`,
      'vs graphene',
      `${SESSIONS} vs 1`,
      'graphene sync 1',
    ],
    rows,
  );
  return results;
}
