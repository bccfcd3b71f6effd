import { assertAlgorithmFitsKey } from '../algorithms/algorithms.js';
import { isSignetError, SignetError, throwIfAborted } from '../errors/errors.js';
import type { CertificateFacts, Decision } from '../policy/decision.js';
import { principalId } from '../policy/decision.js';
import { approvalsMatter, resolveRoles, type Policy } from '../policy/index.js';
import type { CallOptions, KeyInfo, KeyProvider } from '../provider/provider.js';
import type { ProviderRegistry } from '../provider/registry.js';
import { describeCertificate } from '../x509/certificate.js';
import { decisionEvent, signatureEvent, type AuditSink, type EngineAuditEvent } from './audit-events.js';
import { decideWithUsage } from './decide.js';
import { createMemoryApprovalStore, createMemoryIdempotencyStore, createMemoryUsageStore } from './memory-stores.js';
import { requestFingerprint, type Principal, type SigningRequest } from './request.js';
import type { SigningResult } from './result.js';
import type { ApprovalStore, IdempotencyStore, PendingRequest, UsageStore } from './stores.js';
import { validateRequest } from './validate.js';

export interface SigningEngineOptions {
  /** Where keys live: a registry of providers by URI scheme, or one provider. */
  providers: ProviderRegistry | KeyProvider;
  /** The policy, or a function returning the current one (re-read for every decision). */
  policy: Policy | (() => Policy | Promise<Policy>);
  /** The audit log. Every decision and signature is appended; a failed append fails the request. */
  audit: AuditSink;
  /** Past signatures for quotas and release windows. Default: in memory. */
  usage?: UsageStore;
  /** Pending requests and approvals. Default: in memory. */
  approvals?: ApprovalStore;
  /** Idempotency keys. Default: in memory. */
  idempotency?: IdempotencyStore;
  /** The time source for decisions. Default: `() => new Date()`. */
  clock?: () => Date;
  /**
   * How long a key's public facts (public key, certificate chain, parsed certificate) are reused,
   * in ms, so a signature costs one provider call. Default 5000; 0 reads them for every request.
   */
  keyCacheMs?: number;
}

export interface ApproveParams {
  /** The pending request's id (its fingerprint). */
  requestId: string;
  approver: Principal;
  decision: 'approve' | 'deny';
  comment?: string;
}

/** The one pipeline every signature goes through: validate → decide → (approve) → sign → audit. */
export interface SigningEngine {
  /**
   * Signs every digest of `request` when the policy allows it, after the audit log has durably
   * recorded the decision and each signature.
   *
   * @throws SignetError `POLICY_DENIED` (details.reasons), `APPROVAL_REQUIRED` (details.requestId,
   * details.missing), `IDEMPOTENCY_CONFLICT`, input errors, provider errors, and the audit log's
   * error when it cannot record (the signatures are then discarded).
   */
  sign(request: SigningRequest, options?: CallOptions): Promise<SigningResult>;
  /** What the policy says about `request` now, without signing or recording anything. */
  decide(request: SigningRequest, options?: CallOptions): Promise<Decision>;
  /** Records an approval or denial of a pending request; returns the request's new decision. */
  approve(params: ApproveParams): Promise<Decision>;
  /** Requests waiting for approval. */
  pending(): Promise<PendingRequest[]>;
  /**
   * A key's public facts, from the same short cache signing uses: what a caller needs to fill in a
   * request (its default algorithm) without a provider round trip per signature.
   */
  describeKey(uri: string, options?: CallOptions): Promise<KeyInfo>;
  /** Calls `listener` when an approval changes a pending request's decision. Returns an unsubscribe. */
  onApproval(listener: (requestId: string, decision: Decision) => void): () => void;
}

/**
 * Creates the signing engine. Embedded (a build script) and hosted (the server) signing run this
 * same engine; only the stores differ.
 *
 * @example
 * ```ts
 * const engine = createSigningEngine({ providers: registry, policy, audit });
 * const result = await engine.sign({ principal, key: 'soft://release', algorithm: 'ecdsa-p256-sha256', items: [{ digest }] });
 * ```
 */
export function createSigningEngine(options: SigningEngineOptions): SigningEngine {
  const usage = options.usage ?? createMemoryUsageStore();
  const approvals = options.approvals ?? createMemoryApprovalStore();
  const idempotency = options.idempotency ?? createMemoryIdempotencyStore();
  const clock = options.clock ?? (() => new Date());
  const listeners = new Set<(requestId: string, decision: Decision) => void>();
  const currentPolicy = async (): Promise<Policy> =>
    typeof options.policy === 'function' ? options.policy() : options.policy;

  interface KnownKey {
    provider: KeyProvider;
    key: KeyInfo;
    certificate?: CertificateFacts;
  }
  const keyCacheMs = options.keyCacheMs ?? 5000;
  const keys = new Map<string, { at: number; value: Promise<KnownKey> }>();

  /** The key's public facts, cached briefly: parsing a certificate costs more than signing with P-256. */
  function keyOf(uri: string, signal?: AbortSignal): Promise<KnownKey> {
    const cached = keys.get(uri);
    if (cached && performance.now() - cached.at < keyCacheMs) return cached.value;
    const value = (async () => {
      const source = options.providers;
      const provider = 'providerFor' in source ? await source.providerFor(uri) : source;
      const key = await provider.getKey(uri, { signal });
      const leaf = key.certificates[0];
      return { provider, key, ...(leaf ? { certificate: describeCertificate(leaf) } : {}) };
    })();
    value.catch(() => keys.delete(uri));
    if (keyCacheMs > 0) {
      if (keys.size > 10_000) keys.clear();
      keys.set(uri, { at: performance.now(), value });
    }
    return value;
  }

  async function evaluate(request: SigningRequest, requestId: string, known: KnownKey, now: Date): Promise<Decision> {
    const policy = await currentPolicy();
    return decideWithUsage(
      policy,
      request,
      {
        now,
        // A read saved per signature when no rule on the key asks for approvals.
        approvals: approvalsMatter(policy, request.key) ? await approvals.approvals(requestId) : [],
        ...(known.certificate ? { certificate: known.certificate } : {}),
      },
      usage,
    );
  }

  async function record(events: EngineAuditEvent[]): Promise<ReadonlyArray<{ index: number }>> {
    try {
      return await options.audit.append(events);
    } catch (cause) {
      if (isSignetError(cause)) throw cause;
      throw new SignetError('UNAVAILABLE', 'The audit log could not record the request; nothing was signed', { cause });
    }
  }

  async function signAllowed(
    request: SigningRequest,
    requestId: string,
    provider: KeyProvider,
    key: KeyInfo,
    decision: Decision & { effect: 'allow' },
    now: Date,
    signal?: AbortSignal,
  ): Promise<SigningResult> {
    const signatures: Uint8Array[] = [];
    for (const item of request.items) {
      throwIfAborted(signal);
      signatures.push(await provider.sign({ key: key.uri, algorithm: request.algorithm, digest: item.digest, signal }));
    }
    // Durable before the reply (invariant 3): if this append fails, the signatures are dropped.
    const records = await record([
      decisionEvent(request, requestId, decision, now),
      ...signatures.map((s, i) => signatureEvent(request, requestId, i, s, decision.rule, now)),
    ]);
    await usage.record({
      key: key.uri,
      principal: principalId(request.principal),
      rule: decision.rule,
      at: now,
      count: signatures.length,
    });
    // Consume the approvals (and close the pending request) only when there are any: a write per
    // signature costs a durable commit on the server's database. A request is only ever pending
    // under a rule with approvals, so without one on the key there is nothing to look for.
    if (
      decision.approvedBy?.length ||
      (approvalsMatter(await currentPolicy(), key.uri) && (await approvals.getPending(requestId)))
    )
      await approvals.settle(requestId, 'signed');
    return {
      requestId,
      key: key.uri,
      algorithm: request.algorithm,
      signatures: signatures.map((signature, i) => ({
        digest: Buffer.from(request.items[i]!.digest).toString('hex'),
        signature,
        auditIndex: records[i + 1]!.index,
      })),
      certificates: key.certificates,
      rule: decision.rule,
      policyVersion: decision.policyVersion,
    };
  }

  async function run(request: SigningRequest, requestId: string, signal?: AbortSignal): Promise<SigningResult> {
    const algorithm = validateRequest(request);
    const known = await keyOf(request.key, signal);
    const { provider, key } = known;
    assertAlgorithmFitsKey(algorithm, key.spec);
    const now = clock();
    const decision = await evaluate(request, requestId, known, now);
    if (decision.effect === 'allow') return signAllowed(request, requestId, provider, key, decision, now, signal);

    await record([decisionEvent(request, requestId, decision, now)]);
    if (decision.effect === 'deny') {
      await approvals.settle(requestId, 'denied');
      throw new SignetError(
        'POLICY_DENIED',
        `Refused by policy: ${decision.reasons.map((r) => r.message).join('; ')}`,
        {
          details: { requestId, reasons: decision.reasons, policyVersion: decision.policyVersion },
        },
      );
    }
    await approvals.putPending({
      id: requestId,
      request,
      decision,
      createdAt: (await approvals.getPending(requestId))?.createdAt ?? now,
    });
    const missing = decision.missing.map((m) => `${m.remaining} more from ${m.role}`).join(', ');
    throw new SignetError('APPROVAL_REQUIRED', `Waiting for approval (${missing}); request ${requestId}`, {
      details: { requestId, missing: decision.missing, rule: decision.rule },
    });
  }

  return {
    async sign(request, callOptions = {}) {
      const requestId = requestFingerprint(validRequest(request));
      const idem = request.idempotencyKey;
      if (!idem) return run(request, requestId, callOptions.signal);
      for (;;) {
        const claim = await idempotency.claim(idem, requestId);
        if (claim.state === 'done') return claim.result;
        if (claim.state === 'conflict') {
          throw new SignetError('IDEMPOTENCY_CONFLICT', `Idempotency key "${idem}" was used for a different request`, {
            details: { idempotencyKey: idem },
          });
        }
        if (claim.state === 'in-progress') {
          await claim.settled;
          continue;
        }
        try {
          const result = await run(request, requestId, callOptions.signal);
          await idempotency.complete(idem, result);
          return result;
        } catch (error) {
          await idempotency.release(idem);
          throw error;
        }
      }
    },

    async decide(request, callOptions = {}) {
      const requestId = requestFingerprint(validRequest(request));
      return evaluate(request, requestId, await keyOf(request.key, callOptions.signal), clock());
    },

    async approve({ requestId, approver, decision: verdict, comment }) {
      const pending = await approvals.getPending(requestId);
      if (!pending)
        throw new SignetError('NOT_FOUND', `No request ${requestId} is waiting for approval`, {
          details: { requestId },
        });
      const { request } = pending;
      if (principalId(approver) === principalId(request.principal)) {
        throw new SignetError('SELF_APPROVAL', 'Nobody approves their own request', { details: { requestId } });
      }
      const roles = resolveRoles(await currentPolicy(), approver, request.key);
      const stepRoles = pending.decision.effect === 'pending' ? pending.decision.missing.map((m) => m.role) : [];
      if (!stepRoles.some((r) => roles.includes(r))) {
        throw new SignetError(
          'NOT_AN_APPROVER',
          `Approvals for this request come from: ${[...new Set(stepRoles)].join(', ')}`,
          {
            details: { requestId, roles: stepRoles },
          },
        );
      }
      // The same verdict again changes nothing and is not recorded twice; a change of mind is.
      const given = await approvals.approvals(requestId);
      const mine = given.filter((a) => principalId(a.approver) === principalId(approver)).at(-1);
      if (mine?.decision === verdict) return pending.decision;
      const now = clock();
      const approval = {
        fingerprint: requestId,
        approver,
        decision: verdict,
        at: now,
        ...(comment ? { comment } : {}),
      };
      await record([
        {
          type: 'approval',
          actor: principalId(approver),
          at: now,
          data: { requestId, decision: verdict, roles, ...(comment ? { comment } : {}) },
        },
      ]);
      await approvals.addApproval(approval);
      const next = await evaluate(request, requestId, await keyOf(request.key), now);
      if (next.effect === 'pending') await approvals.putPending({ ...pending, decision: next });
      else if (next.effect === 'deny') await approvals.settle(requestId, 'denied');
      for (const listener of listeners) listener(requestId, next);
      return next;
    },

    pending: () => approvals.listPending(),

    describeKey: async (uri, callOptions = {}) => (await keyOf(uri, callOptions.signal)).key,

    onApproval(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Validates before fingerprinting, so a malformed request fails with its own code. */
function validRequest(request: SigningRequest): SigningRequest {
  validateRequest(request);
  return request;
}
