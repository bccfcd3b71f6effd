import type { Millis } from '../core/tables.js';

/** Certificate chains attached to keys whose provider cannot keep them (cloud KMS keys). */
export interface KeyCertificatesTable {
  /** The key's canonical URI, as its provider reports it. */
  key_uri: string;
  /** JSON array of base64 DER certificates, the key's own first. */
  certificates: string;
  updated_at: Millis;
  /** `principalId` of whoever attached the chain. */
  updated_by: string;
}

export interface KeyTables {
  key_certificates: KeyCertificatesTable;
}
