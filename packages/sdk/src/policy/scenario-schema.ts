import { z } from 'zod';
import { listAlgorithms } from '../algorithms/algorithms.js';
import { expected, instant } from './schema-parts.js';

/*
 * The "what if" request file: a request as the engine would see it, plus the usage counts,
 * approvals and certificate to evaluate it with. Strict, like the policy: a typo is an error.
 */

export const KINDS = ['user', 'service', 'agent', 'ci', 'local'] as const;
/** The auth method a principal of each kind has when the file does not say. */
export const AUTH = { user: 'jwt', service: 'api-token', agent: 'mtls', ci: 'jwt', local: 'local' } as const;
const principal = z.strictObject({
  kind: z.enum(KINDS),
  subject: z.string().min(1),
  issuer: z.string().min(1),
  authMethod: z.enum(['jwt', 'api-token', 'mtls', 'local']).optional(),
  groups: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  ci: z
    .strictObject({
      issuer: z.string(),
      repository: z.string(),
      ref: z.string(),
      workflow: z.string(),
      environment: z.string(),
      event: z.string(),
      runnerEnvironment: z.string(),
      sha: z.string(),
    })
    .partial()
    .optional(),
});
const hex = z.string().regex(/^([0-9a-fA-F]{2})+$/, expected('hexadecimal bytes'));
const ALGORITHM_IDS = listAlgorithms().map((a) => a.id) as [string, ...string[]];

export const scenarioSchema = z.strictObject({
  at: instant.optional(),
  principal,
  key: z.string().min(1),
  algorithm: z.enum(ALGORITHM_IDS),
  items: z
    .array(
      z.strictObject({
        digest: hex.optional(),
        artifact: z.strictObject({ name: z.string().optional(), digest: z.string().optional() }).optional(),
      }),
    )
    .min(1),
  metadata: z.strictObject({ format: z.string(), application: z.string(), reason: z.string() }).partial().optional(),
  certificate: z
    .strictObject({
      subject: z.string(),
      issuer: z.string(),
      notBefore: instant,
      notAfter: instant,
      extendedKeyUsage: z.array(z.string()).default([]),
    })
    .optional(),
  /** The count `input.usage` answers, by what a query counts: a rule's count wins over a principal's over a key's. */
  usage: z
    .strictObject({ key: z.int().min(0), principal: z.int().min(0), rules: z.record(z.string(), z.int().min(0)) })
    .partial()
    .default({}),
  approvals: z
    .array(
      z.strictObject({
        approver: principal,
        decision: z.enum(['approve', 'deny']),
        at: instant,
        comment: z.string().optional(),
        fingerprint: z.string().optional(),
      }),
    )
    .default([]),
});

export type ScenarioFile = z.output<typeof scenarioSchema>;
