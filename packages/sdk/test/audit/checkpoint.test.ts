import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  auditKeyId,
  checkpointText,
  createAuditLog,
  createFileAuditStore,
  createMemoryAuditStore,
  fromHex,
  verifyCheckpoint,
  verifyConsistency,
  type SignedCheckpoint,
} from '../../src/audit/index.js';
import type { SoftKeyProvider } from '../../src/provider/soft/index.js';
import { createSigner, toPemSpki, type Signer } from '../helpers/sdk.js';
import { openssl } from '../helpers/openssl.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';
import { expectCode, sampleEvents } from './helpers.js';

const ORIGIN = 'signet.test/audit';
const KEYS = [
  { name: 'audit-ec', spec: 'ec-p256', algorithm: 'ecdsa-p256-sha256', opensslArgs: [] },
  {
    name: 'audit-rsa',
    spec: 'rsa-2048',
    algorithm: 'rsa-pss-sha256',
    opensslArgs: ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest'],
  },
] as const;

let soft: SoftKeyProvider;
let work: string;
beforeAll(async () => {
  work = await tempDir('signet-checkpoint-');
  soft = await openTestStore(join(work, 'keys'));
  for (const key of KEYS) await soft.generateKey({ name: key.name, spec: key.spec });
  await soft.generateKey({ name: 'stranger', spec: 'ec-p256' });
  return () => soft.close();
});

describe.each(KEYS)('a checkpoint signed with a software $spec key ($algorithm)', (key) => {
  let signer: Signer;
  let checkpoint: SignedCheckpoint;
  let spki: Uint8Array;
  const at = new Date('2025-11-27T07:40:00.000Z');

  beforeAll(async () => {
    signer = await createSigner(soft, `soft://${key.name}`, { algorithm: key.algorithm });
    spki = signer.key.publicKey;
    const log = await createAuditLog({
      store: createMemoryAuditStore(),
      origin: ORIGIN,
      checkpointSigner: signer,
      clock: () => at,
    });
    await log.append(sampleEvents(12));
    checkpoint = await log.checkpoint();
    expect(checkpoint).toMatchObject({
      origin: ORIGIN,
      treeSize: 12,
      time: at.toISOString(),
      algorithm: key.algorithm,
    });
    expect(checkpoint.rootHash).toBe(Buffer.from(log.root()).toString('hex'));
    expect(log.latestCheckpoint()).toEqual(checkpoint);
    await log.close();
  });

  it('names its key by the SHA-256 of the SPKI', () => {
    expect(checkpoint.keyId).toBe(createHash('sha256').update(spki).digest('hex'));
    expect(auditKeyId(spki)).toBe(checkpoint.keyId);
  });

  it('signs the documented text', () => {
    const root = Buffer.from(checkpoint.rootHash, 'hex').toString('base64');
    expect(checkpointText(checkpoint)).toBe(`signet-checkpoint/v1\n${ORIGIN}\n12\n${root}\n${at.toISOString()}\n`);
  });

  it('verifies with the public key as DER and as PEM', () => {
    expect(verifyCheckpoint(checkpoint, spki)).toBe(true);
    expect(verifyCheckpoint(checkpoint, toPemSpki(spki))).toBe(true);
    expect(verifyCheckpoint(checkpoint, new TextEncoder().encode(toPemSpki(spki)))).toBe(true);
  });

  it('verifies with openssl too: a plain signature over the text', async () => {
    await writeFile(join(work, `${key.name}.pub.pem`), toPemSpki(spki));
    await writeFile(join(work, `${key.name}.txt`), checkpointText(checkpoint));
    await writeFile(join(work, `${key.name}.sig`), Buffer.from(checkpoint.signature, 'base64'));
    const result = await openssl([
      'dgst',
      '-sha256',
      ...key.opensslArgs,
      '-verify',
      join(work, `${key.name}.pub.pem`),
      '-signature',
      join(work, `${key.name}.sig`),
      join(work, `${key.name}.txt`),
    ]);
    expect(result.stdout).toContain('Verified OK');
  });

  it.each([
    ['treeSize', { treeSize: 13 }],
    ['rootHash', { rootHash: 'ab'.repeat(32) }],
    ['origin', { origin: 'other.test/audit' }],
    ['time', { time: '2030-01-01T00:00:00.000Z' }],
    ['algorithm', { algorithm: key.algorithm === 'rsa-pss-sha256' ? 'rsa-pkcs1-sha256' : 'ecdsa-p384-sha384' }],
  ])('fails when its %s is changed', (_, change) => {
    expect(verifyCheckpoint({ ...checkpoint, ...change } as SignedCheckpoint, spki)).toBe(false);
  });

  it('fails with another key', async () => {
    const stranger = await soft.getKey('soft://stranger');
    expect(verifyCheckpoint(checkpoint, stranger.publicKey)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, keyId: auditKeyId(stranger.publicKey) }, stranger.publicKey)).toBe(false);
  });

  it('refuses a public key that does not parse', () => {
    expect(() => verifyCheckpoint(checkpoint, new Uint8Array([1, 2, 3]))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('checkpoints of a log on a file store', () => {
  it('are kept, reloaded, and chained by consistency proofs', async () => {
    const directory = join(work, 'log');
    const checkpointSigner = await createSigner(soft, 'soft://audit-ec');
    const open = async () =>
      createAuditLog({ store: await createFileAuditStore({ directory }), origin: ORIGIN, checkpointSigner });
    const log = await open();
    await log.append(sampleEvents(5));
    const first = await log.checkpoint();
    await log.append(sampleEvents(9, 5));
    const second = await log.checkpoint();
    await log.close();

    const again = await open();
    expect(again.latestCheckpoint()).toEqual(second);
    const proof = again.consistencyProof(first.treeSize, second.treeSize);
    expect(verifyConsistency(5, 14, fromHex(first.rootHash, 32), fromHex(second.rootHash, 32), proof)).toBe(true);
    await again.close();
  });

  it('refuses to open when a stored checkpoint does not match the records (AUDIT_CORRUPT)', async () => {
    const directory = join(work, 'forged');
    const log = await createAuditLog({
      store: await createFileAuditStore({ directory }),
      origin: ORIGIN,
      checkpointSigner: await createSigner(soft, 'soft://audit-ec'),
    });
    await log.append(sampleEvents(4));
    await log.checkpoint();
    await log.close();
    const path = join(directory, 'checkpoints.jsonl');
    const stored = JSON.parse(await readFile(path, 'utf8')) as SignedCheckpoint;
    await writeFile(path, `${JSON.stringify({ ...stored, rootHash: 'cd'.repeat(32) })}\n`);
    await expect(
      createAuditLog({ store: await createFileAuditStore({ directory }), origin: ORIGIN }),
    ).rejects.toMatchObject({
      code: 'AUDIT_CORRUPT',
    });
  });

  it('cannot be made without a checkpoint signer (KEY_NOT_FOUND)', async () => {
    const log = await createAuditLog({ store: createMemoryAuditStore(), origin: ORIGIN });
    await expectCode(log.checkpoint(), 'KEY_NOT_FOUND');
    await log.close();
  });
});
