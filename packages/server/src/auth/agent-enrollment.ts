import { randomBytes } from 'node:crypto';
import { SignetError } from '@signet/sdk';
import { describeCertificate, toPem } from '@signet/sdk/x509';
import type { Database } from '../store/database.js';
import type { AgentCa } from './agent-ca.js';
import type { AgentCertificate, Agents } from './agents.js';
import { newSecretToken, parseSecretToken, secretMatches } from './secret-token.js';
import { publicKeyOfCsr } from './x509-checks.js';

/**
 * The enrollment half of {@link Agents}: one-time tokens (`sge_...`, stored hashed) exchanged
 * with a CSR for an agent identity and its first certificate. Internal: use `createAgents`.
 */
export function createAgentEnrollment(database: Database, ca: AgentCa, lifetimeMs: number) {
  const { db } = database;

  async function certify(agentId: string, name: string, publicKey: Uint8Array) {
    const der = await ca.issue(publicKey, { commonName: name, lifetimeMs });
    const { serialNumber, notAfter } = describeCertificate(der);
    const row = { serial: serialNumber, agent_id: agentId, not_after: notAfter.toISOString() };
    const result = {
      agentId,
      certificatePem: toPem('CERTIFICATE', der),
      caPem: ca.certificatePem,
      expiresAt: notAfter,
    };
    return { row: { ...row, issued_at: new Date().toISOString(), revoked_at: null }, result };
  }

  async function createEnrollmentToken({ name, createdBy, expiresAt }: Parameters<Agents['createEnrollmentToken']>[0]) {
    if (!name || Number.isNaN(expiresAt.getTime()))
      throw new SignetError('INVALID_ARGUMENT', 'An enrollment token needs a name and an expiry');
    const { id, token, hash } = newSecretToken('sge');
    await db
      .insertInto('auth_enrollment_tokens')
      .values({
        id,
        name,
        secret_hash: hash,
        created_by: createdBy,
        created_at: new Date().toISOString(),
        expires_at: expiresAt.toISOString(),
        used_at: null,
        agent_id: null,
      })
      .execute();
    return token;
  }

  async function enroll({ token, csrPem }: Parameters<Agents['enroll']>[0]): Promise<AgentCertificate> {
    const parsed = parseSecretToken('sge', token);
    const enrollment = parsed
      ? await db.selectFrom('auth_enrollment_tokens').selectAll().where('id', '=', parsed.id).executeTakeFirst()
      : undefined;
    if (!parsed || !enrollment || !secretMatches(parsed.secret, enrollment.secret_hash)) throw refused('unknown-token');
    if (enrollment.used_at) throw refused('token-used');
    if (new Date(enrollment.expires_at) <= new Date()) throw refused('expired');
    const publicKey = publicKeyOfCsr(csrPem);
    const agentId = randomBytes(12).toString('hex');
    // Issued before the transaction (the CA may be a remote HSM); a certificate whose row never
    // commits is worthless, since authenticate refuses serials it does not know.
    const { row, result } = await certify(agentId, enrollment.name, publicKey);
    await db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      // The conditional update is the one-time check: of two concurrent enrollments, one wins.
      const consumed = await trx
        .updateTable('auth_enrollment_tokens')
        .set({ used_at: now, agent_id: agentId })
        .where('id', '=', enrollment.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (consumed.numUpdatedRows !== 1n) throw refused('token-used');
      await trx
        .insertInto('auth_agents')
        .values({
          id: agentId,
          name: enrollment.name,
          public_key: Buffer.from(publicKey).toString('base64'),
          created_by: enrollment.created_by,
          created_at: now,
          revoked_at: null,
        })
        .execute();
      await trx.insertInto('auth_agent_certificates').values(row).execute();
    });
    return result;
  }

  return { certify, createEnrollmentToken, enroll };
}

/** An `UNAUTHENTICATED` error with a stable `details.reason`. */
export function refused(reason: string): SignetError {
  return new SignetError('UNAUTHENTICATED', 'The agent credential is not valid', { details: { reason } });
}
