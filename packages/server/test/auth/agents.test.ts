import { rmSync } from 'node:fs';
import { createSigner, isSignetError, SignetError } from '@signet/sdk';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { fromPem } from '@signet/sdk/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticate,
  createAgentCa,
  createAgents,
  type AgentCa,
  type Agents,
  type AuthEnv,
} from '../../src/auth/index.js';
import type { Database } from '../../src/store/database.js';
import { DIALECTS, freshDatabase } from '../helpers/databases.js';
import { makeCsr, makeSelfSigned, signWithForeignCa, tempDir } from './pki.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let ca: AgentCa;
beforeAll(async () => {
  const soft = await createSoftKeyProvider({
    directory: `${dir}/keys`,
    secret: { passphrase: 'test' },
    scryptCost: { N: 1024, r: 8, p: 1 },
  });
  await soft.generateKey({ name: 'agent-ca', spec: 'ec-p256' });
  ca = await createAgentCa({ signer: await createSigner(soft, 'soft://agent-ca') });
});

const inOneHour = () => new Date(Date.now() + 3_600_000);
const der = (pem: string) => fromPem(pem, 'CERTIFICATE')[0]!;

async function failure(promise: Promise<unknown>): Promise<SignetError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSignetError(error)).toBe(true);
  return error as SignetError;
}

describe('the agent CA', () => {
  it('has a self-signed CA certificate that verifies with openssl', async () => {
    const { execFileSync } = await import('node:child_process');
    const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: ca.certificatePem }).toString();
    expect(text).toMatch(/CA:TRUE/);
    expect(text).toMatch(/Certificate Sign/);
  });
});

describe.each(DIALECTS)('agents on %s', (dialect) => {
  let agents: Agents;
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase(dialect);
    agents = createAgents(database, ca);
  });

  describe('enrollment', () => {
    it('turns a one-time token and an openssl CSR into a clientAuth certificate', async () => {
      const token = await agents.createEnrollmentToken({ name: 'agent1', createdBy: 'alice', expiresAt: inOneHour() });
      const { csrPem } = makeCsr(dir, `${dialect}-agent1`);
      const enrolled = await agents.enroll({ token, csrPem });
      expect(enrolled.caPem).toBe(ca.certificatePem);
      expect(enrolled.expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
      await expect(agents.authenticate(der(enrolled.certificatePem))).resolves.toEqual({
        subject: enrolled.agentId,
        kind: 'agent',
        issuer: 'signet',
        authMethod: 'mtls',
      });
      expect(await agents.list()).toEqual([
        expect.objectContaining({ id: enrolled.agentId, name: 'agent1', createdBy: 'alice' }),
      ]);
    });

    it('refuses a used token, even when two enrollments race for it', async () => {
      const token = await agents.createEnrollmentToken({ name: 'racer', createdBy: 'alice', expiresAt: inOneHour() });
      const { csrPem } = makeCsr(dir, `${dialect}-racer`);
      const results = await Promise.allSettled([agents.enroll({ token, csrPem }), agents.enroll({ token, csrPem })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const again = await failure(agents.enroll({ token, csrPem }));
      expect([again.code, again.details.reason]).toEqual(['UNAUTHENTICATED', 'token-used']);
    });

    it('refuses an expired or unknown token, and a CSR whose signature does not verify', async () => {
      const { csrPem } = makeCsr(dir, `${dialect}-late`);
      const expired = await agents.createEnrollmentToken({
        name: 'late',
        createdBy: 'a',
        expiresAt: new Date(Date.now() - 1),
      });
      expect((await failure(agents.enroll({ token: expired, csrPem }))).details.reason).toBe('expired');
      expect((await failure(agents.enroll({ token: 'sge_nope', csrPem }))).details.reason).toBe('unknown-token');
      const token = await agents.createEnrollmentToken({ name: 'forger', createdBy: 'a', expiresAt: inOneHour() });
      const bytes = fromPem(csrPem, 'CERTIFICATE REQUEST')[0]!;
      bytes[bytes.length - 5]! ^= 0x01; // inside the signature
      const forged = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(bytes).toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
      const error = await failure(agents.enroll({ token, csrPem: forged }));
      expect([error.code, error.details.reason]).toEqual(['INVALID_ARGUMENT', 'csr-signature']);
    });
  });

  describe('renewal and revocation', () => {
    it('renews for the same key, then revocation refuses every certificate of the agent', async () => {
      const token = await agents.createEnrollmentToken({ name: 'renewer', createdBy: 'a', expiresAt: inOneHour() });
      const first = await agents.enroll({ token, csrPem: makeCsr(dir, `${dialect}-renewer`).csrPem });
      const second = await agents.renew(first.agentId, der(first.certificatePem));
      expect(second.certificatePem).not.toBe(first.certificatePem);
      await expect(agents.authenticate(der(second.certificatePem))).resolves.toMatchObject({ subject: first.agentId });
      await agents.revoke(first.agentId);
      for (const pem of [first.certificatePem, second.certificatePem]) {
        const error = await failure(agents.authenticate(der(pem)));
        expect([error.code, error.details.reason]).toEqual(['PERMISSION_DENIED', 'revoked']);
      }
    });

    it('refuses a certificate from another CA, and an expired one', async () => {
      makeSelfSigned(dir, `${dialect}-other-ca`, 'basicConstraints=critical,CA:TRUE', 'keyUsage=keyCertSign');
      makeCsr(dir, `${dialect}-stranger`);
      const foreign = signWithForeignCa(dir, `${dialect}-other-ca`, `${dialect}-stranger`);
      expect((await failure(agents.authenticate(der(foreign)))).details.reason).toBe('untrusted-certificate');
      expect((await failure(agents.authenticate(ca.certificate))).details.reason).toBe('untrusted-certificate');
      const shortLived = createAgents(database, ca, { certificateLifetimeMs: 1 });
      const token = await shortLived.createEnrollmentToken({ name: 'brief', createdBy: 'a', expiresAt: inOneHour() });
      const { certificatePem } = await shortLived.enroll({ token, csrPem: makeCsr(dir, `${dialect}-brief`).csrPem });
      await new Promise((r) => setTimeout(r, 1100));
      expect((await failure(shortLived.authenticate(der(certificatePem)))).details.reason).toBe('expired');
    });
  });
});
