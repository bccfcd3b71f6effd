/**
 * Tables owned by the auth module (migration `004-auth`). Timestamps are ISO 8601 UTC text in both
 * dialects: they sort correctly as text and come back from `pg` and better-sqlite3 the same way.
 */
export interface AuthTables {
  auth_api_tokens: ApiTokenRow;
  /** One row per one-time event (`admin-bootstrap`): its primary key makes the event happen once. */
  auth_once: OnceRow;
  auth_enrollment_tokens: EnrollmentTokenRow;
  auth_agents: AgentRow;
  auth_agent_certificates: AgentCertificateRow;
}

/** A service-account API token; only a SHA-256 of its secret is kept. */
export interface ApiTokenRow {
  id: string;
  name: string;
  /** JSON array of role names. */
  roles: string;
  /** SHA-256 of the secret part, lowercase hex. */
  secret_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface OnceRow {
  event: string;
  at: string;
}

/** A one-time token an agent exchanges, with its CSR, for its first certificate. */
export interface EnrollmentTokenRow {
  id: string;
  name: string;
  secret_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  /** Set when the token is consumed; a consumed token never enrolls again. */
  used_at: string | null;
  agent_id: string | null;
}

export interface AgentRow {
  id: string;
  name: string;
  /** DER SubjectPublicKeyInfo from the enrollment CSR, base64; renewals keep this key. */
  public_key: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
}

/** Every client certificate issued to an agent: a certificate whose serial is not here is refused. */
export interface AgentCertificateRow {
  /** Lowercase hex, as `describeCertificate` reports it. */
  serial: string;
  agent_id: string;
  not_after: string;
  issued_at: string;
  revoked_at: string | null;
}
