// Audit log throughput: events per second appended through createAuditLog (memory store, and the
// file store whose every batch is one write + fdatasync) with many appenders in flight, and events
// per second through the offline verifier. Each is a ratio to plain SHA-256 of the same canonical
// event bytes, measured in the same run: the floor cost of hashing what the log hashes.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createSigner } from '@signet/sdk';
import { createAuditLog, createFileAuditStore, createMemoryAuditStore, verifyAuditExport } from '@signet/sdk/audit';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { fmt, opsPerSecondConcurrent, opsPerSecondSync, ratio, table } from './lib/measure.mjs';

/** Appenders in flight: a busy server's concurrent signing requests. */
const IN_FLIGHT = 64;
/** Events in the export the verifier reads. */
const EXPORT_SIZE = 20_000;

/** Signature events as the engine records them, built ahead so the bench measures the log. */
const EVENTS = Array.from({ length: 4096 }, (_, n) => ({
  type: 'signature',
  actor: 'https://token.actions.githubusercontent.com|repo:acme/app:ref:refs/heads/main',
  data: {
    key: 'soft://release',
    algorithm: 'ecdsa-p256-sha256',
    digest: createHash('sha256').update(String(n)).digest('hex'),
    artifact: { name: `app-${n}.tgz` },
    request: `req-${n}`,
  },
}));
let seq = 0;
const nextEvent = () => EVENTS[seq++ % EVENTS.length];

/** Wraps a store to count its appends (each one durable write). */
function counted(store) {
  const counter = { writes: 0, events: 0 };
  const append = store.append.bind(store);
  store.append = (records) => {
    counter.writes++;
    counter.events += records.length;
    return append(records);
  };
  return { store, counter };
}

async function appendRate(store, { inFlight, commitInterval, seconds }) {
  const { counter } = counted(store);
  const log = await createAuditLog({ store, origin: 'bench/audit', commitInterval });
  const rate = await opsPerSecondConcurrent(() => log.append([nextEvent()]), inFlight, seconds);
  await log.close();
  return { rate, perWrite: counter.events / Math.max(1, counter.writes) };
}

export async function benchAudit(dir, { seconds = 1.5 } = {}) {
  const work = await mkdtemp(join(dir, 'audit-'));
  try {
    // The export (and the bytes the baseline hashes), with a checkpoint signed by a software key.
    const soft = await createSoftKeyProvider({
      directory: join(work, 'keys'),
      secret: { passphrase: 'bench' },
      scryptCost: { N: 1024, r: 8, p: 1 },
    });
    const key = await soft.generateKey({ name: 'audit', spec: 'ec-p256' });
    const log = await createAuditLog({
      store: createMemoryAuditStore(),
      origin: 'bench/audit',
      checkpointSigner: await createSigner(soft, key.uri),
    });
    for (let i = 0; i < EXPORT_SIZE; i += 1000) await log.append(Array.from({ length: 1000 }, nextEvent));
    const checkpoint = await log.checkpoint();
    const lines = [];
    for await (const line of log.export()) lines.push(line);
    await log.close();
    await soft.close();
    const text = lines.join('');

    let i = 0;
    const sha256 = opsPerSecondSync(
      () =>
        createHash('sha256')
          .update(lines[i++ % lines.length])
          .digest(),
      seconds,
    );

    const cases = [
      ['memory store, commit every 2 ms', () => createMemoryAuditStore(), 2],
      ['memory store, commit every turn', () => createMemoryAuditStore(), 0],
      ['file store, commit every 2 ms', (n) => createFileAuditStore({ directory: join(work, `log-${n}`) }), 2],
      ['file store, commit every turn', (n) => createFileAuditStore({ directory: join(work, `log-${n}`) }), 0],
    ];
    const results = { sha256, append: [], verify: 0 };
    const rows = [['SHA-256 of the event bytes (baseline)', fmt(sha256), '1.00×', '—']];
    for (const [index, [name, open, commitInterval]] of cases.entries()) {
      for (const inFlight of [IN_FLIGHT, 1]) {
        if (inFlight === 1 && commitInterval !== 0) continue; // one appender: only the per-event cost matters
        const { rate, perWrite } = await appendRate(await open(`${index}-${inFlight}`), {
          inFlight,
          commitInterval,
          seconds,
        });
        results.append.push({ case: name, inFlight, rate, eventsPerWrite: perWrite });
        rows.push([`${name}, ${inFlight} in flight`, fmt(rate), ratio(rate, sha256), fmt(perWrite, 1)]);
      }
    }

    const start = performance.now();
    let runs = 0;
    while (performance.now() - start < seconds * 1000 || runs < 2) {
      const result = verifyAuditExport({ events: text, checkpoint, publicKey: key.publicKey });
      if (!result.ok) throw new Error(`bench export does not verify: ${result.message}`);
      runs++;
    }
    results.verify = (runs * EXPORT_SIZE) / ((performance.now() - start) / 1000);
    rows.push([
      `verifyAuditExport (${fmt(EXPORT_SIZE)} events)`,
      fmt(results.verify),
      ratio(results.verify, sha256),
      '—',
    ]);

    console.log('\nAudit log (events/s): appends through createAuditLog with group commit, and the offline verifier\n');
    table(['case', 'events/s', 'vs SHA-256', 'events per write'], rows);
    return results;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
