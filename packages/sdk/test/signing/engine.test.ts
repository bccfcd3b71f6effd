import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyDigestSignature } from '../../src/formats/raw/index.js';
import { isSignetError } from '../../src/index.js';
import { createMemoryApprovalStore, type AuditSink } from '../../src/signing/index.js';
import { createFixture, request } from './fixture.js';

const codeOf = (e: unknown) => (isSignetError(e) ? e.code : e);

describe('the signing engine', () => {
  describe('when the policy allows a request', () => {
    it('signs every digest, and the audit log records the decision and each signature first', async () => {
      const { engine, audit, soft } = await createFixture();
      const items = [1, 2, 3].map((n) => ({ digest: new Uint8Array(32).fill(n), artifact: { name: `app-${n}.jar` } }));
      const result = await engine.sign(request({ items }));
      expect(result).toMatchObject({ key: 'soft://dev-a', rule: 'dev', policyVersion: 'test-1' });
      const key = await soft.getKey('soft://dev-a');
      result.signatures.forEach((s, i) => {
        expect(
          verifyDigestSignature({
            publicKey: key.publicKey,
            algorithm: 'ecdsa-p256-sha256',
            digest: items[i]!.digest,
            signature: s.signature,
          }),
        ).toBe(true);
      });
      const records = await audit.read(0, await audit.size());
      expect(records.map((r) => r.type)).toEqual(['decision', 'signature', 'signature', 'signature']);
      expect(result.signatures.map((s) => s.auditIndex)).toEqual([1, 2, 3]);
      expect(records[2]!.data).toMatchObject({
        requestId: result.requestId,
        digest: '02'.repeat(32),
        artifact: { name: 'app-2.jar' },
        rule: 'dev',
      });
    });
  });

  describe('when the policy denies a request', () => {
    it('refuses with every reason, records the decision, and signs nothing', async () => {
      const { engine, audit, provider } = await createFixture();
      const denied = engine.sign(
        request({ items: [{ digest: new Uint8Array(32), artifact: { name: 'install.sh' } }] }),
      );
      await expect(denied).rejects.toSatisfy(
        (e) =>
          isSignetError(e, 'POLICY_DENIED') &&
          (e.details.reasons as { code: string }[]).some((r) => r.code === 'EXPLICIT_DENY'),
      );
      expect(provider.signCalls).toBe(0);
      const records = await audit.read(0, await audit.size());
      expect(records).toHaveLength(1);
      expect(records[0]!.data).toMatchObject({ effect: 'deny' });
    });

    it('refuses a key nobody is granted (default deny)', async () => {
      const { engine, provider } = await createFixture();
      await expect(engine.sign(request({ principal: { ...request().principal, groups: [] } }))).rejects.toSatisfy((e) =>
        isSignetError(e, 'POLICY_DENIED'),
      );
      expect(provider.signCalls).toBe(0);
    });
  });

  describe('when the audit log cannot record', () => {
    it('fails closed: the signature is discarded and the request fails', async () => {
      const failing: AuditSink = { append: async () => Promise.reject(new Error('disk full')) };
      const { engine, provider } = await createFixture({ audit: failing });
      let result: unknown;
      const error = await engine.sign(request()).then(
        (r) => (result = r),
        (e: unknown) => e,
      );
      expect(result).toBeUndefined();
      expect(codeOf(error)).toBe('UNAVAILABLE');
      expect(provider.signCalls).toBe(1); // signed, then discarded: nothing came back
    });
  });

  describe('with an idempotency key', () => {
    it('returns the same result for the same request, signing once, even when called concurrently', async () => {
      const { engine, provider } = await createFixture();
      const r = request({ idempotencyKey: 'build-42' });
      const [a, b] = await Promise.all([engine.sign(r), engine.sign(r)]);
      const c = await engine.sign(r);
      expect(provider.signCalls).toBe(1);
      expect(b).toBe(a);
      expect(c).toBe(a);
    });

    it('refuses the same key with a different request', async () => {
      const { engine } = await createFixture();
      await engine.sign(request({ idempotencyKey: 'build-43' }));
      const other = request({ idempotencyKey: 'build-43', items: [{ digest: new Uint8Array(32).fill(9) }] });
      await expect(engine.sign(other)).rejects.toSatisfy((e) => isSignetError(e, 'IDEMPOTENCY_CONFLICT'));
    });

    it('lets a failed request be tried again under the same key', async () => {
      const { engine } = await createFixture();
      const r = request({
        idempotencyKey: 'build-44',
        items: [{ digest: new Uint8Array(32), artifact: { name: 'x.sh' } }],
      });
      await expect(engine.sign(r)).rejects.toSatisfy((e) => isSignetError(e, 'POLICY_DENIED'));
      await expect(engine.sign(r)).rejects.toSatisfy((e) => isSignetError(e, 'POLICY_DENIED'));
    });
  });

  describe('with malformed requests', () => {
    it('answers only with coded input errors, and never signs or records anything', async () => {
      const { engine, audit, provider } = await createFixture();
      const junk = fc.record(
        {
          principal: fc.oneof(
            fc.constant(undefined),
            fc.constant(request().principal),
            fc.record({ subject: fc.string(), issuer: fc.string() }),
          ),
          key: fc.oneof(fc.string(), fc.constant('soft://dev-a'), fc.integer()),
          algorithm: fc.oneof(fc.string(), fc.constant('ecdsa-p256-sha256'), fc.constant('rsa-pss-sha256')),
          items: fc.oneof(
            fc.constant([]),
            fc.array(fc.record({ digest: fc.uint8Array({ maxLength: 70 }) }), { maxLength: 3 }),
            fc.string(),
          ),
          idempotencyKey: fc.option(fc.string(), { nil: undefined }),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(junk, async (r) => {
          const outcome = await engine.sign(r as never).then(
            () => 'signed',
            (e: unknown) => e,
          );
          if (outcome === 'signed') return; // a junk generator can produce a valid request
          expect(isSignetError(outcome), String(outcome)).toBe(true);
        }),
        { numRuns: 300 },
      );
      const validlyAllowed = provider.signCalls;
      const records = await audit.read(0, await audit.size());
      // Every record belongs to a request that was valid: one decision each, one signature per signing.
      expect(records.filter((r) => r.type === 'signature')).toHaveLength(validlyAllowed);
    });
  });
});

describe('the engine behind the Signer interface', () => {
  it('sends digests asked for together as one request, each tagged with its artifact', async () => {
    const { engine, audit, soft } = await createFixture();
    const { createEngineSigner } = await import('../../src/signing/index.js');
    const { createSigner } = await import('../../src/index.js');
    const signer = createEngineSigner(engine, await createSigner(soft, 'soft://dev-a'), {
      principal: request().principal,
      metadata: { format: 'raw' },
    });
    const digests = [3, 4, 5].map((n) => new Uint8Array(32).fill(n));
    const signatures = await Promise.all(digests.map((d, i) => signer.forArtifact({ name: `f${i}.bin` }).sign(d)));
    const key = await soft.getKey('soft://dev-a');
    signatures.forEach((s, i) =>
      expect(
        verifyDigestSignature({
          publicKey: key.publicKey,
          algorithm: 'ecdsa-p256-sha256',
          digest: digests[i]!,
          signature: s,
        }),
      ).toBe(true),
    );
    const records = await audit.read(0, await audit.size());
    expect(records.filter((r) => r.type === 'decision')).toHaveLength(1);
    expect(
      records.filter((r) => r.type === 'signature').map((r) => (r.data.artifact as { name: string }).name),
    ).toEqual(['f0.bin', 'f1.bin', 'f2.bin']);
  });

  it('rejects every waiting digest when the policy refuses the batch', async () => {
    const { engine, soft } = await createFixture();
    const { createEngineSigner } = await import('../../src/signing/index.js');
    const { createSigner } = await import('../../src/index.js');
    const signer = createEngineSigner(engine, await createSigner(soft, 'soft://dev-a'), {
      principal: request().principal,
    });
    const results = await Promise.allSettled([
      signer.forArtifact({ name: 'ok.jar' }).sign(new Uint8Array(32)),
      signer.forArtifact({ name: 'bad.sh' }).sign(new Uint8Array(32)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('the engine on the hot path', () => {
  /** The memory approval store, counting the reads the engine makes of it. */
  function countingApprovals() {
    const store = createMemoryApprovalStore();
    const reads = { approvals: 0, getPending: 0 };
    return {
      reads,
      store: {
        ...store,
        approvals: (id: string) => (reads.approvals++, store.approvals(id)),
        getPending: (id: string) => (reads.getPending++, store.getPending(id)),
      },
    };
  }

  it('reads no approvals for a key whose rules require none', async () => {
    const { reads, store } = countingApprovals();
    const { engine } = await createFixture({ approvals: store });
    await engine.sign(request());
    expect(reads).toEqual({ approvals: 0, getPending: 0 });
  });

  it('still reads them where a rule requires approvals', async () => {
    const { reads, store } = countingApprovals();
    const { engine } = await createFixture({ approvals: store });
    await expect(engine.sign(request({ key: 'soft://prod' }))).rejects.toSatisfy((e) =>
      isSignetError(e, 'APPROVAL_REQUIRED'),
    );
    expect(reads.approvals).toBe(1);
  });

  it('describes a key from the cache signing uses: one provider read for many requests', async () => {
    const { engine, provider, soft } = await createFixture();
    let reads = 0;
    const getKey = provider.getKey.bind(provider);
    provider.getKey = (uri, options) => (reads++, getKey(uri, options));
    const described = await engine.describeKey('soft://dev-a');
    await engine.sign(request());
    await engine.describeKey('soft://dev-a');
    expect(reads).toBe(1);
    expect(described.publicKey).toEqual((await soft.getKey('soft://dev-a')).publicKey);
    await expect(engine.describeKey('soft://missing')).rejects.toSatisfy((e) => isSignetError(e, 'KEY_NOT_FOUND'));
  });
});
