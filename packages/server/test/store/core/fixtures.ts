import fc from 'fast-check';
import type { ApprovalRecord, Decision } from '@signet/sdk/policy';
import { requestFingerprint, type Principal, type SigningRequest, type SigningResult } from '@signet/sdk/signing';

/** Values the store tests write and expect back unchanged. */

export const T0 = new Date('2026-11-25T10:00:00.000Z');
export const at = (ms: number): Date => new Date(T0.getTime() + ms);

export function person(subject: string): Principal {
  return { kind: 'user', subject, issuer: 'https://idp.acme.com', authMethod: 'jwt', groups: ['release'] };
}

export function request(name: string, digestByte = 1): SigningRequest {
  return {
    principal: person('dev@acme.com'),
    key: 'soft://release',
    algorithm: 'ecdsa-p256-sha256',
    items: [{ digest: new Uint8Array(32).fill(digestByte), artifact: { name, digest: 'ab'.repeat(32) } }],
    metadata: { format: 'raw', application: 'app', reason: 'release' },
  };
}

export function pendingDecision(expiresAt?: Date): Decision {
  return {
    effect: 'pending',
    rule: 'release',
    policyVersion: 'r1',
    missing: [{ rule: 'release', step: 0, role: 'approver', required: 2, remaining: 2 }],
    reasons: [{ rule: 'release', code: 'APPROVAL_MISSING', message: '2 approvals missing' }],
    ...(expiresAt ? { expiresAt } : {}),
  };
}

export function approval(req: SigningRequest, who: string, ms: number, comment?: string): ApprovalRecord {
  return {
    fingerprint: requestFingerprint(req),
    approver: person(who),
    decision: 'approve',
    at: at(ms),
    ...(comment === undefined ? {} : { comment }),
  };
}

export function result(fingerprint: string, byte = 7): SigningResult {
  return {
    requestId: fingerprint,
    key: 'soft://release',
    algorithm: 'ecdsa-p256-sha256',
    signatures: [{ digest: '01'.repeat(32), signature: new Uint8Array(64).fill(byte), auditIndex: 3 }],
    certificates: [new Uint8Array([0x30, 0x82, 1, 2]), new Uint8Array(0)],
    rule: 'release',
    policyVersion: 'r1',
  };
}

const text = fc.string({ maxLength: 12 });
/** fast-check may build records without a prototype; the codec rightly returns plain objects. */
const record = ((...args: Parameters<typeof fc.record>) =>
  fc.record(...args).map((value) => ({ ...value }))) as typeof fc.record;
const bytes = fc.uint8Array({ maxLength: 80 });
const algorithm = fc.constantFrom('rsa-pkcs1-sha256', 'rsa-pss-sha384', 'ecdsa-p256-sha256', 'ecdsa-p521-sha512');

const principal: fc.Arbitrary<Principal> = record(
  {
    subject: text,
    kind: fc.constantFrom('user', 'service', 'agent', 'ci', 'local'),
    issuer: text,
    authMethod: fc.constantFrom('jwt', 'api-token', 'mtls', 'local'),
    groups: fc.array(text, { maxLength: 3 }),
    roles: fc.array(text, { maxLength: 3 }),
    ci: record({ repository: text, ref: text, sha: text }, { requiredKeys: ['repository'] }),
  },
  { requiredKeys: ['subject', 'kind', 'issuer', 'authMethod'] },
);

/** Any signing request, optional fields present or absent. */
export const anyRequest: fc.Arbitrary<SigningRequest> = record(
  {
    principal,
    key: text,
    algorithm,
    items: fc.array(
      record(
        { digest: bytes, artifact: record({ name: text, digest: text }, { requiredKeys: [] }) },
        { requiredKeys: ['digest'] },
      ),
      { minLength: 1, maxLength: 4 },
    ),
    metadata: record({ format: text, application: text, reason: text }, { requiredKeys: [] }),
    idempotencyKey: text,
  },
  { requiredKeys: ['principal', 'key', 'algorithm', 'items'] },
) as fc.Arbitrary<SigningRequest>;

/** Any signing result. */
export const anyResult: fc.Arbitrary<SigningResult> = record({
  requestId: text,
  key: text,
  algorithm,
  signatures: fc.array(record({ digest: text, signature: bytes, auditIndex: fc.nat() }), { maxLength: 4 }),
  certificates: fc.array(bytes, { maxLength: 3 }),
  rule: text,
  policyVersion: text,
}) as fc.Arbitrary<SigningResult>;

/** Any pending decision, with or without an expiry. */
export const anyPendingDecision: fc.Arbitrary<Decision> = fc
  .option(fc.date({ min: new Date(0), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }), { nil: undefined })
  .map((expiresAt) => pendingDecision(expiresAt));
