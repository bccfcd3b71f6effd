import { getAlgorithm } from '../algorithms/algorithms.js';
import { requestFingerprint, type SigningRequest } from '../signing/request.js';
import type { ApprovalRecord, CertificateFacts, EvaluationInput } from './decision.js';
import { errorMap, problemsFromIssues } from './problems.js';
import { invalidText, readText, type TextKind } from './read-text.js';
import { AUTH, scenarioSchema, type ScenarioFile } from './scenario-schema.js';

/** A request to evaluate, and what to evaluate it with. */
export interface Scenario {
  readonly request: SigningRequest;
  /** `at` from the file, when it has one. */
  readonly at?: Date;
  /** The key's certificate, when the file describes one. */
  readonly certificate?: CertificateFacts;
  /** The evaluation input at `now`: the file's usage counts and approvals. */
  input(now: Date): EvaluationInput;
}

export interface ParseScenarioOptions {
  /** The file name problems are reported against. Default: `<request>`. */
  source?: string;
}

const SCENARIO: TextKind = { code: 'INVALID_ARGUMENT', what: 'a valid request file' };
/** Defaults a token would carry: the auth method of the kind, and a CI workload's claim issuer. */
const withAuth = (p: ScenarioFile['principal']) => ({
  ...p,
  authMethod: p.authMethod ?? AUTH[p.kind],
  ...(p.ci ? { ci: { issuer: p.issuer, ...p.ci } } : {}),
});

/**
 * Reads a request file (YAML or JSON). Digests may be left out (zero bytes of the algorithm's
 * length stand in); an approval without a `fingerprint` is for this request; CI claims without an
 * `issuer` take the principal's.
 *
 * @throws SignetError `INVALID_ARGUMENT` listing every problem as `FILE:LINE:COL field: …`.
 * @example
 * ```ts
 * const scenario = parseScenario(text, { source: 'request.yaml' });
 * const decision = evaluatePolicy(policy, scenario.request, scenario.input(scenario.at ?? new Date()));
 * ```
 */
export function parseScenario(text: string, options: ParseScenarioOptions = {}): Scenario {
  const source = options.source ?? '<request>';
  const read = readText(text, source, SCENARIO);
  const result = scenarioSchema.safeParse(read.data, { reportInput: true, error: errorMap });
  if (!result.success) throw invalidText(SCENARIO, source, read.locate(problemsFromIssues(result.error.issues)));
  const s = result.data;
  const length = getAlgorithm(s.algorithm).digestLength;
  const request: SigningRequest = {
    principal: withAuth(s.principal),
    key: s.key,
    algorithm: s.algorithm as SigningRequest['algorithm'],
    items: s.items.map((i) => ({
      digest: i.digest ? new Uint8Array(Buffer.from(i.digest, 'hex')) : new Uint8Array(length),
      ...(i.artifact ? { artifact: i.artifact } : {}),
    })),
    ...(s.metadata ? { metadata: s.metadata } : {}),
  };
  const fingerprint = requestFingerprint(request);
  const approvals: ApprovalRecord[] = s.approvals.map((a) => ({
    fingerprint: a.fingerprint ?? fingerprint,
    approver: withAuth(a.approver),
    decision: a.decision,
    at: new Date(a.at),
    ...(a.comment ? { comment: a.comment } : {}),
  }));
  const certificate = s.certificate && {
    ...s.certificate,
    notBefore: new Date(s.certificate.notBefore),
    notAfter: new Date(s.certificate.notAfter),
  };
  const { key = 0, principal: byPrincipal = 0, rules = {} } = s.usage;
  return {
    request,
    ...(s.at ? { at: new Date(s.at) } : {}),
    ...(certificate ? { certificate } : {}),
    input: (now) => ({
      now,
      approvals,
      usage: (q) =>
        q.rule !== undefined
          ? (rules[q.rule] ?? 0)
          : q.principal !== undefined
            ? byPrincipal
            : q.key !== undefined
              ? key
              : 0,
      ...(certificate ? { certificate } : {}),
    }),
  };
}
