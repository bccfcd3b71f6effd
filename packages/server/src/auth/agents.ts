import { SignetError } from '@signet/sdk';
import type { Principal } from '@signet/sdk/signing';
import { describeCertificate } from '@signet/sdk/x509';
import type { Database } from '../store/database.js';
import type { AgentCa } from './agent-ca.js';
import { createAgentEnrollment, refused } from './agent-enrollment.js';

export interface AgentsOptions {
  /** Lifetime of an agent's client certificate, in milliseconds. Default 24 hours. */
  certificateLifetimeMs?: number;
}

/** What an agent gets back from enrollment or renewal. */
export interface AgentCertificate {
  readonly agentId: string;
  readonly certificatePem: string;
  /** The agent CA, for the agent's own trust store and for checking what it received. */
  readonly caPem: string;
  readonly expiresAt: Date;
}

export interface AgentInfo {
  readonly id: string;
  readonly name: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly revokedAt?: Date;
}

/** Agents: enrollment with one-time tokens and a CSR, short-lived mTLS certificates, revocation. */
export interface Agents {
  /** A one-time token (`sge_...`) an agent named `name` enrolls with before `expiresAt`. */
  createEnrollmentToken(params: { name: string; createdBy: string; expiresAt: Date }): Promise<string>;
  /**
   * Consumes `token` and certifies the CSR's key. @throws SignetError `UNAUTHENTICATED`
   * (`unknown-token`, `expired`, `token-used`), `INVALID_ARGUMENT` (`csr-*`)
   */
  enroll(params: { token: string; csrPem: string }): Promise<AgentCertificate>;
  /** A new certificate for the same key, given a current one. @throws as {@link Agents.authenticate} */
  renew(agentId: string, currentCertificate: Uint8Array): Promise<AgentCertificate>;
  /** Revokes the agent and every certificate it holds. @throws SignetError `NOT_FOUND` */
  revoke(agentId: string): Promise<void>;
  list(): Promise<AgentInfo[]>;
  /**
   * Authenticates a TLS peer certificate (DER). @throws SignetError `UNAUTHENTICATED`
   * (`untrusted-certificate`, `expired`, `unknown-certificate`), `PERMISSION_DENIED` (`revoked`)
   */
  authenticate(peerCertificate: Uint8Array): Promise<Principal>;
}

const DEFAULT_LIFETIME_MS = 24 * 3_600_000;

/**
 * Agents in the server's database, certified by `ca`.
 *
 * @example
 * ```ts
 * const agents = createAgents(database, ca);
 * const token = await agents.createEnrollmentToken({ name: 'build-7', createdBy: 'alice', expiresAt });
 * const { certificatePem } = await agents.enroll({ token, csrPem }); // on the agent's side
 * ```
 */
export function createAgents(database: Database, ca: AgentCa, options: AgentsOptions = {}): Agents {
  const { db } = database;
  const lifetimeMs = options.certificateLifetimeMs ?? DEFAULT_LIFETIME_MS;

  const enrollment = createAgentEnrollment(database, ca, lifetimeMs);

  const agents: Agents = {
    createEnrollmentToken: enrollment.createEnrollmentToken,
    enroll: enrollment.enroll,

    async renew(agentId, currentCertificate) {
      const principal = await agents.authenticate(currentCertificate);
      if (principal.subject !== agentId)
        throw new SignetError('PERMISSION_DENIED', 'The certificate belongs to another agent', {
          details: { reason: 'other-agent' },
        });
      const agent = await db.selectFrom('auth_agents').selectAll().where('id', '=', agentId).executeTakeFirstOrThrow();
      const { row, result } = await enrollment.certify(
        agentId,
        agent.name,
        new Uint8Array(Buffer.from(agent.public_key, 'base64')),
      );
      await db.insertInto('auth_agent_certificates').values(row).execute();
      return result;
    },

    async revoke(agentId) {
      const now = new Date().toISOString();
      await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('auth_agents')
          .set({ revoked_at: now })
          .where('id', '=', agentId)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n)
          throw new SignetError('NOT_FOUND', `No agent ${agentId}`, { details: { agentId } });
        await trx
          .updateTable('auth_agent_certificates')
          .set({ revoked_at: now })
          .where('agent_id', '=', agentId)
          .where('revoked_at', 'is', null)
          .execute();
      });
    },

    async list() {
      const rows = await db.selectFrom('auth_agents').selectAll().orderBy('created_at').execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        createdBy: r.created_by,
        createdAt: new Date(r.created_at),
        ...(r.revoked_at ? { revokedAt: new Date(r.revoked_at) } : {}),
      }));
    },

    async authenticate(peerCertificate) {
      // Checked here even behind `rejectUnauthorized`: the TLS layer may be configured otherwise.
      if (!ca.issued(peerCertificate)) throw refused('untrusted-certificate');
      const { serialNumber, notBefore, notAfter } = describeCertificate(peerCertificate);
      const now = new Date();
      if (now < notBefore || now > notAfter) throw refused('expired');
      const found = await db
        .selectFrom('auth_agent_certificates as c')
        .innerJoin('auth_agents as a', 'a.id', 'c.agent_id')
        .select(['a.id', 'a.revoked_at as agentRevoked', 'c.revoked_at as certRevoked'])
        .where('c.serial', '=', serialNumber)
        .executeTakeFirst();
      if (!found) throw refused('unknown-certificate');
      // The identity is proven but barred: 403 rather than 401.
      if (found.agentRevoked || found.certRevoked)
        throw new SignetError('PERMISSION_DENIED', 'The agent has been revoked', {
          details: { reason: 'revoked', agentId: found.id },
        });
      return { subject: found.id, kind: 'agent', issuer: 'signet', authMethod: 'mtls' };
    },
  };
  return agents;
}
