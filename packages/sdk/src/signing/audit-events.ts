import type { Decision } from '../policy/decision.js';
import { principalId } from '../policy/decision.js';
import type { SigningRequest } from './request.js';

/** The audit event input the engine writes: the shape `AuditLog.append` takes. */
export interface EngineAuditEvent {
  readonly type: 'signature' | 'decision' | 'approval';
  readonly actor: string;
  readonly data: Record<string, unknown>;
  readonly at?: Date;
}

/** What the engine needs of an audit log: a durable append (resolves once the events are durable). */
export interface AuditSink {
  append(events: EngineAuditEvent[]): Promise<ReadonlyArray<{ readonly index: number }>>;
}

function requestFacts(request: SigningRequest, requestId: string): Record<string, unknown> {
  const p = request.principal;
  return {
    requestId,
    key: request.key,
    algorithm: request.algorithm,
    principal: { kind: p.kind, authMethod: p.authMethod, ...(p.ci ? { ci: p.ci } : {}) },
    ...(request.metadata ? { metadata: request.metadata } : {}),
  };
}

export function decisionEvent(
  request: SigningRequest,
  requestId: string,
  decision: Decision,
  at: Date,
): EngineAuditEvent {
  return {
    type: 'decision',
    actor: principalId(request.principal),
    at,
    data: {
      ...requestFacts(request, requestId),
      effect: decision.effect,
      policyVersion: decision.policyVersion,
      ...('rule' in decision ? { rule: decision.rule } : {}),
      digests: request.items.length,
      reasons: decision.reasons.map((r) => ({ rule: r.rule ?? null, code: r.code })),
      ...(decision.effect === 'pending' ? { missing: decision.missing } : {}),
    },
  };
}

export function signatureEvent(
  request: SigningRequest,
  requestId: string,
  item: number,
  signature: Uint8Array,
  rule: string,
  at: Date,
): EngineAuditEvent {
  const { digest, artifact } = request.items[item]!;
  return {
    type: 'signature',
    actor: principalId(request.principal),
    at,
    data: {
      ...requestFacts(request, requestId),
      item,
      digest: Buffer.from(digest).toString('hex'),
      ...(artifact ? { artifact } : {}),
      rule,
      signature: Buffer.from(signature).toString('base64'),
    },
  };
}
