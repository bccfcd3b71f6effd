import { SignetError } from '../errors/errors.js';
import type { CallOptions } from '../provider/provider.js';
import type { Signer } from '../provider/signer.js';
import type { SigningEngine } from './engine.js';
import type { Principal, RequestMetadata, SigningItem } from './request.js';
import { MAX_BATCH } from './validate.js';

export interface EngineSignerOptions {
  /** Who signs: the authenticated principal the policy decides for. */
  principal: Principal;
  /** Facts for the policy and the audit log (format, application, reason). */
  metadata?: RequestMetadata;
}

/** A {@link Signer} whose signatures go through the engine, tagged with the artifact they are for. */
export interface EngineSigner extends Signer {
  /** The same signer, recording `artifact` (name, digest) with each digest it signs. */
  forArtifact(artifact: NonNullable<SigningItem['artifact']>): Signer;
}

/**
 * Puts the signing engine behind the {@link Signer} interface the formats use, so a format signs
 * through policy, approvals and the audit log without knowing it. Digests asked for in the same
 * event-loop turn (several files signed at once) travel as ONE request: one decision, one approval,
 * one audit append.
 *
 * @example
 * ```ts
 * const base = await createSigner(registry, 'soft://release');
 * const signer = createEngineSigner(engine, base, { principal, metadata: { format: 'cms' } });
 * const p7s = await Promise.all(files.map((f) => signCms(signer.forArtifact({ name: f.name }), { digest: f.digest })));
 * ```
 */
export function createEngineSigner(
  engine: Pick<SigningEngine, 'sign'>,
  base: Signer,
  options: EngineSignerOptions,
): EngineSigner {
  interface Waiting {
    item: SigningItem;
    resolve: (signature: Uint8Array) => void;
    reject: (error: unknown) => void;
    signal?: AbortSignal;
  }
  let batch: Waiting[] = [];

  function flush(): void {
    const waiting = batch;
    batch = [];
    if (waiting.length === 0) return;
    // One request for the whole batch; a signal aborts it only if every caller gave the same one.
    const signal = waiting.every((w) => w.signal === waiting[0]!.signal) ? waiting[0]!.signal : undefined;
    engine
      .sign(
        {
          principal: options.principal,
          key: base.key.uri,
          algorithm: base.algorithm.id,
          items: waiting.map((w) => w.item),
          ...(options.metadata ? { metadata: options.metadata } : {}),
        },
        { signal },
      )
      .then(
        (result) => waiting.forEach((w, i) => w.resolve(result.signatures[i]!.signature)),
        (error: unknown) => waiting.forEach((w) => w.reject(error)),
      );
  }

  function sign(
    artifact: SigningItem['artifact'],
    digest: Uint8Array,
    callOptions: CallOptions = {},
  ): Promise<Uint8Array> {
    if (!(digest instanceof Uint8Array)) throw new SignetError('INVALID_ARGUMENT', 'The digest must be bytes');
    return new Promise((resolve, reject) => {
      if (batch.length === 0) setImmediate(flush);
      batch.push({ item: { digest, ...(artifact ? { artifact } : {}) }, resolve, reject, signal: callOptions.signal });
      if (batch.length === MAX_BATCH) flush();
    });
  }

  const view = (artifact?: SigningItem['artifact']): Signer => ({
    key: base.key,
    algorithm: base.algorithm,
    sign: (digest, callOptions) => sign(artifact, digest, callOptions),
  });
  return { ...view(), forArtifact: (artifact) => view(artifact) };
}
