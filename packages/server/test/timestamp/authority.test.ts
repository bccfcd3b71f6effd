import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createProviderRegistry, createSigner, isSignetError, SignetError } from '@signet/sdk';
import { createSoftKeyProvider, type SoftKeyProvider } from '@signet/sdk/soft';
import { createTimestampRequest, readTimestampResponse } from '@signet/sdk/timestamp';
import { issueSelfSignedCertificate, OID_TIME_STAMPING } from '@signet/sdk/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigSchema } from '../../src/config/schema.js';
import { createSignetServer } from '../../src/server.js';
import { createTimestampAuthority } from '../../src/timestamp/index.js';

const logger = pino({ level: 'silent' });
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-tsa-authority-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A soft key store with `soft://kms-like`, a key without a certificate, like a fresh KMS key. */
async function world(audit: { append(events: readonly unknown[]): Promise<unknown> }) {
  const soft: SoftKeyProvider = await createSoftKeyProvider({
    directory: join(dir, `keys-${Math.random()}`),
    secret: { passphrase: 'x' },
    scryptCost: { N: 1024, r: 8, p: 1 },
  });
  await soft.generateKey({ name: 'kms-like', spec: 'ec-p256' });
  const providers = createProviderRegistry();
  providers.register('soft', () => soft);
  let serial = 0n;
  const authority = createTimestampAuthority({
    providers,
    key: 'soft://kms-like',
    policy: '1.2.3.4',
    serialNumbers: { next: async () => ++serial },
    audit,
    logger,
    rateLimit: 10,
    keyTtlMs: 0,
  });
  return { soft, authority, serials: () => serial };
}

describe('the timestamp authority', () => {
  it('answers systemFailure (503) while its key has no certificate, and serves once one is attached', async () => {
    const appended: unknown[] = [];
    const { soft, authority, serials } = await world({ append: async (e) => appended.push(...e) });
    const request = createTimestampRequest({ data: new Uint8Array([1]) });
    const refused = await authority.respond(request.der);
    expect(refused.status).toBe(503);
    expect(() => readTimestampResponse(refused.body, request)).toThrow(
      expect.objectContaining({
        code: 'UNAVAILABLE',
        details: expect.objectContaining({ failures: ['systemFailure'] }),
      }),
    );
    expect([serials(), appended.length]).toEqual([0n, 0]);

    const certificate = await issueSelfSignedCertificate(await createSigner(soft, 'soft://kms-like'), {
      subject: { commonName: 'KMS TSA' },
      extendedKeyUsage: [OID_TIME_STAMPING],
    });
    await soft.setCertificates({ key: 'soft://kms-like', certificates: [certificate] });
    const granted = await authority.respond(request.der);
    expect(granted.status).toBe(200);
    expect(readTimestampResponse(granted.body, request).serialNumber).toBe(1n);
    expect(appended).toHaveLength(1);
  });

  it('discards a token whose audit record fails, answering systemFailure', async () => {
    const failing = {
      append: async () => {
        throw new SignetError('AUDIT_UNAVAILABLE', 'disk full');
      },
    };
    const { soft, authority } = await world(failing);
    const certificate = await issueSelfSignedCertificate(await createSigner(soft, 'soft://kms-like'), {
      subject: { commonName: 'KMS TSA' },
      extendedKeyUsage: [OID_TIME_STAMPING],
    });
    await soft.setCertificates({ key: 'soft://kms-like', certificates: [certificate] });
    const request = createTimestampRequest({ data: new Uint8Array([2]) });
    const reply = await authority.respond(request.der);
    expect(reply.status).toBe(503);
    expect(() => readTimestampResponse(reply.body, request)).toThrow(expect.objectContaining({ code: 'UNAVAILABLE' }));
  });
});

describe('a server whose configured TSA key holds a certificate of another purpose', () => {
  it('does not start', async () => {
    const config = serverConfigSchema.parse({
      dataDir: join(dir, 'server'),
      logLevel: 'silent',
      timestamp: { key: 'soft://signing' }, // the code-signing key
    });
    await expect(createSignetServer(config, {}, { logger })).rejects.toSatisfy((e) =>
      isSignetError(e, 'INVALID_CERTIFICATE'),
    );
  });
});
