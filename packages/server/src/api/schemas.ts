import { z } from '@hono/zod-openapi';
import { listAlgorithms } from '@signet/sdk';

/*
 * The API's request and response shapes: the same zod schemas validate requests and generate
 * /openapi.json. Objects are strict (an unknown field is refused: a typo in a signing request must
 * not be silently ignored); bytes travel as lowercase hex (digests) or base64 (signatures, DER).
 */

const ALGORITHMS = listAlgorithms().map((a) => a.id) as [string, ...string[]];

export const Hex = z
  .string()
  .regex(/^(?:[0-9a-f]{2})+$/, 'lowercase hex')
  .max(256);
/** No NUL: PostgreSQL cannot store it in a text column, and no name, reason or comment needs it. */
const NO_NUL = /^[^\0]*$/;
const Text = z.string().max(1024).regex(NO_NUL, 'no NUL characters');

/** A job, token or agent id in a path: printable ASCII, as every id the server makes is. */
export const IdParam = z.object({
  id: z
    .string()
    .regex(/^[\x21-\x7e]{1,100}$/, '1 to 100 printable ASCII characters')
    .openapi({ example: '3f0c8a1e-7a51-4c59-a2a4-9b1f0e3d2c11' }),
});

export const SignItem = z.strictObject({
  digest: Hex.openapi({ description: 'The digest to sign, lowercase hex; its length must fit the algorithm.' }),
  artifact: z
    .strictObject({ name: Text.optional(), digest: Hex.optional() })
    .optional()
    .openapi({ description: 'The artifact behind the digest, recorded in the audit log and shown to approvers.' }),
});

export const SignRequest = z
  .strictObject({
    key: z.string().min(1).max(512).openapi({ example: 'soft://release' }),
    algorithm: z.enum(ALGORITHMS).optional().openapi({ description: "Default: the key's first algorithm." }),
    items: z.array(SignItem).min(1).max(1000),
    metadata: z
      .strictObject({ format: Text.optional(), application: Text.optional(), reason: Text.optional() })
      .optional(),
    idempotencyKey: z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/)
      .optional(),
  })
  .openapi('SignRequest');

export const SignResult = z
  .object({
    requestId: z.string(),
    key: z.string(),
    algorithm: z.string(),
    signatures: z.array(z.object({ digest: z.string(), signature: z.string(), auditIndex: z.number().int() })),
    certificates: z.array(z.string()).openapi({ description: 'DER certificates, base64, the key’s own first.' }),
    rule: z.string(),
    policyVersion: z.string(),
  })
  .openapi('SignResult');

export const KeyView = z
  .object({
    uri: z.string(),
    name: z.string(),
    spec: z.string(),
    algorithms: z.array(z.string()),
    publicKey: z.string().openapi({ description: 'SubjectPublicKeyInfo, PEM.' }),
    certificates: z.array(z.string()).openapi({ description: 'PEM certificates, the key’s own first.' }),
    createdAt: z.string().optional().openapi({ description: 'When the provider created the key, if it knows.' }),
  })
  .openapi('Key');

export const JobView = z
  .object({
    id: z.string(),
    state: z.enum(['queued', 'awaiting-approval', 'running', 'done', 'failed', 'cancelled']),
    requester: z.string().openapi({ description: 'Who submitted the job; only they and admins see or cancel it.' }),
    requestId: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .openapi('Job');

export const ApprovalInput = z
  .strictObject({ decision: z.enum(['approve', 'deny']), comment: Text.optional() })
  .openapi('ApprovalInput');

export const PolicyInput = z
  .strictObject({
    text: z
      .string()
      .min(1)
      .max(1_000_000)
      .regex(NO_NUL, 'no NUL characters')
      .openapi({ description: 'The policy document, YAML or JSON.' }),
  })
  .openapi('PolicyInput');

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('Problem');

/** The error responses every operation may give, as RFC 9457 documents. */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: 'Problem', content: { 'application/problem+json': { schema: Problem } } }]),
  );
}
