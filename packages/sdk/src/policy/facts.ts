import { listAlgorithms, type HashAlgorithm } from '../algorithms/algorithms.js';
import type { SigningRequest } from '../signing/request.js';
import type { CompiledPolicy } from './compile.js';
import { principalId, type EvaluationInput, type ReasonCode } from './decision.js';
import { rolesOn } from './roles.js';

/** What one evaluation knows, computed once and shared by every rule's conditions. */
export interface Facts {
  readonly request: SigningRequest;
  readonly input: EvaluationInput;
  /** `input.now` in milliseconds. */
  readonly now: number;
  /** The requester's roles on the request's key. */
  readonly roles: ReadonlySet<string>;
  /** `principalId(request.principal)`: the key of usage queries. */
  readonly principalId: string;
  /** The hash of the request's algorithm; undefined for an algorithm the registry does not know. */
  readonly hash: HashAlgorithm | undefined;
  /** Signatures this request makes: one per digest. */
  readonly count: number;
}

const HASH_OF: ReadonlyMap<string, HashAlgorithm> = new Map(listAlgorithms().map((a) => [a.id, a.hash]));

/** The facts of one evaluation. */
export function factsFor(policy: { compiled: CompiledPolicy }, request: SigningRequest, input: EvaluationInput): Facts {
  return {
    request,
    input,
    now: input.now.getTime(),
    roles: rolesOn(policy.compiled.forKey(request.key).bindings, request.principal),
    principalId: principalId(request.principal),
    hash: HASH_OF.get(request.algorithm),
    count: request.items.length,
  };
}

/** Why a condition does not hold. */
export interface Failure {
  readonly code: ReasonCode;
  readonly message: string;
}

/**
 * One condition of a rule: undefined when it holds. An allow rule grants when all of its
 * conditions hold; a deny rule refuses when all of its conditions hold.
 */
export type Condition = (facts: Facts) => Failure | undefined;

/** `a, b or c` */
export const oneOf = (values: readonly string[]): string =>
  values.length <= 1 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
