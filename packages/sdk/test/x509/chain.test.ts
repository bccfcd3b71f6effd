import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTrustedChain, issueCertificate, issueSelfSignedCertificate } from '../../src/x509/index.js';
import type { CertificateOptions } from '../../src/x509/index.js';
import { createSigner, isSignetError, type Signer } from '../helpers/sdk.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';

const DAY = 86_400_000;
const now = new Date();
const longAgo = new Date(now.getTime() - 100 * DAY);

describe('building a trusted chain', () => {
  const signers: Record<string, Signer> = {};
  let root: Uint8Array;
  let intermediate: Uint8Array;
  let leaf: Uint8Array;

  const ca = (commonName: string): CertificateOptions => ({
    subject: { commonName },
    certificateAuthority: true,
    notBefore: longAgo,
    validityDays: 1000,
  });

  beforeAll(async () => {
    const soft = await openTestStore(join(await tempDir(), 'keys'), { backend: 'portable' });
    for (const name of ['root', 'intermediate', 'leaf', 'impostor']) {
      await soft.generateKey({ name, spec: 'ec-p256' });
      signers[name] = await createSigner(soft, `soft://${name}`);
    }
    root = await issueSelfSignedCertificate(signers.root!, ca('Root'));
    intermediate = await issueCertificate(signers.intermediate!.key.publicKey, {
      ...ca('Intermediate'),
      issuer: { signer: signers.root!, certificate: root },
    });
    leaf = await issueCertificate(signers.leaf!.key.publicKey, {
      subject: { commonName: 'Leaf' },
      notBefore: longAgo,
      validityDays: 1000,
      issuer: { signer: signers.intermediate!, certificate: intermediate },
    });
  });

  const expectFailure = (fn: () => unknown) =>
    expect(fn).toThrow(expect.toSatisfy((e) => isSignetError(e, 'VERIFICATION_FAILED')));

  describe('from a leaf through its intermediate', () => {
    it('ends at the trusted root, leaf first', () => {
      expect(buildTrustedChain(leaf, { trusted: [root], intermediates: [leaf, intermediate], now })).toEqual([
        leaf,
        intermediate,
        root,
      ]);
    });

    it('ends at a trusted intermediate or at the pinned leaf itself', () => {
      expect(buildTrustedChain(leaf, { trusted: [intermediate], now })).toEqual([leaf, intermediate]);
      expect(buildTrustedChain(leaf, { trusted: [leaf], now })).toEqual([leaf]);
    });

    it('finds nothing without the intermediate, or without a trusted root', () => {
      expect(buildTrustedChain(leaf, { trusted: [root], now })).toBeUndefined();
      expect(buildTrustedChain(leaf, { trusted: [], intermediates: [intermediate, root], now })).toBeUndefined();
    });

    it('finds nothing when the trusted root only has the same name', async () => {
      const impostor = await issueSelfSignedCertificate(signers.impostor!, ca('Root'));
      expect(buildTrustedChain(leaf, { trusted: [impostor], intermediates: [intermediate], now })).toBeUndefined();
    });
  });

  describe('fails with VERIFICATION_FAILED', () => {
    it('when a certificate on the path has expired or is not yet valid', () => {
      expectFailure(() =>
        buildTrustedChain(leaf, {
          trusted: [root],
          intermediates: [intermediate],
          now: new Date(now.getTime() + 1000 * DAY),
        }),
      );
      expectFailure(() =>
        buildTrustedChain(leaf, {
          trusted: [root],
          intermediates: [intermediate],
          now: new Date(longAgo.getTime() - DAY),
        }),
      );
    });

    it('when an intermediate expired before the leaf', async () => {
      const shortLived = await issueCertificate(signers.intermediate!.key.publicKey, {
        ...ca('Intermediate'),
        validityDays: 10,
        issuer: { signer: signers.root!, certificate: root },
      });
      expectFailure(() => buildTrustedChain(leaf, { trusted: [root], intermediates: [shortLived], now }));
    });

    it('when the issuer on the path is not a CA', async () => {
      // Same name and key as the intermediate, but a leaf certificate: it must not vouch for anyone.
      const notCa = await issueCertificate(signers.intermediate!.key.publicKey, {
        subject: { commonName: 'Intermediate' },
        issuer: { signer: signers.root!, certificate: root },
      });
      expectFailure(() => buildTrustedChain(leaf, { trusted: [root], intermediates: [notCa], now }));
      expect(buildTrustedChain(leaf, { trusted: [root], intermediates: [notCa, intermediate], now })).toEqual([
        leaf,
        intermediate,
        root,
      ]);
    });
  });
});
