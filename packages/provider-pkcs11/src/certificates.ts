import { SignetError } from '@signet/sdk';
import type { Session, SessionObject } from 'graphene-pk11';
import { certificateFields } from './der.js';
import { CKO_CERTIFICATE } from './keys.js';

const CKC_X_509 = 0;
const CATEGORY_TOKEN_USER = 1;
const CATEGORY_AUTHORITY = 2;
/** Issuers followed at most when building a chain from the token's certificates. */
const MAX_CHAIN = 8;

function valueOf(object: SessionObject): Buffer {
  return object.getAttribute({ value: null }).value as Buffer;
}

function findCertificates(session: Session, template: Record<string, unknown>): SessionObject[] {
  const found = session.find({ class: CKO_CERTIFICATE, certType: CKC_X_509, ...template });
  return Array.from({ length: found.length }, (_, i) => found.items(i));
}

/**
 * The key's certificate chain as the token holds it: the X.509 certificate with the key's CKA_ID
 * that certifies `publicKey`, then its issuers, found by subject among the token's certificates
 * (which is how jarsigner's SunPKCS11 and OpenSSL's engine find them too).
 */
export function readCertificateChain(session: Session, id: Buffer, publicKey: Uint8Array): Uint8Array[] {
  if (id.length === 0) return [];
  const spki = Buffer.from(publicKey);
  const leaf = findCertificates(session, { id })
    .map(valueOf)
    .find((der) => certificateFields(der)?.spki.equals(spki));
  if (!leaf) return [];
  const chain: Buffer[] = [leaf];
  for (let current = leaf; chain.length < MAX_CHAIN;) {
    const fields = certificateFields(current)!;
    if (fields.issuer.equals(fields.subject)) break; // self-signed: the chain ends here
    const issuer = findCertificates(session, { subject: fields.issuer })
      .map(valueOf)
      .find((der) => certificateFields(der) && !chain.some((c) => c.equals(der)));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain.map((c) => new Uint8Array(c));
}

/**
 * Writes a chain to the token: the key's certificate with the key's CKA_ID and label (replacing the
 * certificates it had), and each issuer the token does not hold yet, as an authority certificate.
 * New objects are created before old ones are destroyed, and a failure while creating destroys
 * what this call created, so a refused chain leaves the token as it was.
 */
export function writeCertificateChain(
  session: Session,
  key: { id: Buffer; label: string | undefined },
  chain: readonly Uint8Array[],
  issuerLabel: (der: Uint8Array) => string,
): void {
  const created: SessionObject[] = [];
  let previous: SessionObject[];
  try {
    for (const der of chain.slice(1)) {
      if (findCertificates(session, { value: Buffer.from(der) }).length > 0) continue;
      created.push(createCertificate(session, der, { label: issuerLabel(der), certCategory: CATEGORY_AUTHORITY }));
    }
    previous = findCertificates(session, { id: key.id });
    created.push(
      createCertificate(session, chain[0]!, { id: key.id, label: key.label ?? '', certCategory: CATEGORY_TOKEN_USER }),
    );
  } catch (error) {
    for (const object of created.reverse()) {
      try {
        object.destroy();
      } catch {
        // best effort: the original error is the one to report
      }
    }
    throw error;
  }
  for (const old of previous) old.destroy();
}

function createCertificate(session: Session, der: Uint8Array, attributes: Record<string, unknown>): SessionObject {
  const fields = certificateFields(der);
  if (!fields) throw new SignetError('INVALID_CERTIFICATE', 'Not a DER X.509 certificate');
  return session.create({
    class: CKO_CERTIFICATE,
    certType: CKC_X_509,
    token: true,
    private: false,
    subject: fields.subject,
    issuer: fields.issuer,
    serial: fields.serial,
    value: Buffer.from(der),
    ...attributes,
  });
}
