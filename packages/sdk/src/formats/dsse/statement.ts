import { SignetError } from '../../errors/errors.js';

/** `_type` of an in-toto Statement v1. */
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** The DSSE `payloadType` of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** One artifact a statement is about: a name and its digests (algorithm → lowercase hex). */
export interface InTotoSubject {
  name: string;
  digest: Record<string, string>;
}

/** An in-toto Statement v1: what is claimed (`predicate`) about which artifacts (`subject`). */
export interface InTotoStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: InTotoSubject[];
  predicateType: string;
  predicate?: Record<string, unknown>;
}

export interface InTotoStatementInput {
  /** The artifacts, at least one; each with at least one digest. */
  subjects: readonly InTotoSubject[];
  /** A URI naming the predicate's schema, e.g. `https://slsa.dev/provenance/v1`. */
  predicateType: string;
  /** The claim itself (e.g. SLSA provenance), a JSON object. Default: none. */
  predicate?: Record<string, unknown>;
}

const HEX = /^(?:[0-9a-f]{2})+$/;

/**
 * Builds an in-toto Statement v1, checking what the spec requires: one or more subjects, each
 * digest lowercase hex, a predicate type, a predicate that is an object.
 *
 * @example
 * ```ts
 * const statement = createInTotoStatement({
 *   subjects: [{ name: 'app.tgz', digest: { sha256: 'e3b0c442...' } }],
 *   predicateType: 'https://slsa.dev/provenance/v1',
 *   predicate: provenance,
 * });
 * ```
 * @throws SignetError `INVALID_ARGUMENT`
 */
export function createInTotoStatement(input: InTotoStatementInput): InTotoStatement {
  const statement = {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: input.subjects.map((s) => ({ name: s.name, digest: { ...s.digest } })),
    predicateType: input.predicateType,
    ...(input.predicate === undefined ? {} : { predicate: input.predicate }),
  };
  const problem = statementProblem(statement);
  if (problem) throw new SignetError('INVALID_ARGUMENT', `Invalid in-toto statement: ${problem}`);
  return statement as InTotoStatement;
}

/**
 * Reads a statement from a DSSE payload.
 *
 * @throws SignetError `INVALID_FORMAT` (not JSON, or not a Statement v1)
 */
export function parseInTotoStatement(payload: Uint8Array): InTotoStatement {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (cause) {
    throw new SignetError('INVALID_FORMAT', 'The payload is not JSON', { cause });
  }
  const problem = statementProblem(value);
  if (problem) throw new SignetError('INVALID_FORMAT', `Not an in-toto Statement v1: ${problem}`);
  return value as InTotoStatement;
}

/** What is wrong with `value` as a statement, or undefined. */
function statementProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not an object';
  if (value._type !== IN_TOTO_STATEMENT_TYPE) return `_type is not ${IN_TOTO_STATEMENT_TYPE}`;
  if (typeof value.predicateType !== 'string' || value.predicateType === '') return 'predicateType is missing';
  if (value.predicate !== undefined && !isObject(value.predicate)) return 'predicate is not an object';
  if (!Array.isArray(value.subject) || value.subject.length === 0) return 'no subject';
  for (const subject of value.subject as unknown[]) {
    if (!isObject(subject) || typeof subject.name !== 'string') return 'a subject has no name';
    const digest = subject.digest;
    if (!isObject(digest) || Object.keys(digest).length === 0) return `subject ${subject.name} has no digest`;
    for (const [algorithm, hex] of Object.entries(digest)) {
      if (typeof hex !== 'string' || !HEX.test(hex))
        return `subject ${subject.name}: ${algorithm} is not lowercase hex`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
