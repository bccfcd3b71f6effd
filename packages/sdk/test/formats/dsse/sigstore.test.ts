import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createInTotoStatement,
  publicKeyHint,
  signInTotoStatement,
  toSigstoreBundle,
  verifySigstoreBundle,
  type SigstoreBundle,
} from '../../../src/formats/dsse/index.js';
import type { SoftKeyProvider } from '../../../src/provider/soft/index.js';
import { createSigner, type KeySpec, type SignatureAlgorithmId } from '../../helpers/sdk.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';
import { sigstoreVerify } from './sigstore-verify.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const statement = createInTotoStatement({
  subjects: [
    { name: 'app.tgz', digest: { sha256: sha256('app') } },
    { name: 'app.sbom.json', digest: { sha256: sha256('sbom') } },
  ],
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: { buildDefinition: { buildType: 'https://example.com/build/v1' }, runDetails: {} },
});

/** A copy of `bundle` whose statement was edited by `edit` (signature unchanged). */
function tampered(bundle: SigstoreBundle, edit: (s: typeof statement) => void): SigstoreBundle {
  const copy = structuredClone(bundle);
  const changed = JSON.parse(Buffer.from(copy.dsseEnvelope.payload, 'base64').toString()) as typeof statement;
  edit(changed);
  copy.dsseEnvelope.payload = Buffer.from(JSON.stringify(changed)).toString('base64');
  return copy;
}

/** Keys and algorithms, and whether @sigstore/verify 3.1.1 accepts them with a public key. */
const CASES: { spec: KeySpec; algorithm: SignatureAlgorithmId; sigstore: boolean }[] = [
  { spec: 'ec-p256', algorithm: 'ecdsa-p256-sha256', sigstore: true },
  { spec: 'rsa-2048', algorithm: 'rsa-pkcs1-sha256', sigstore: true },
  // Sigstore's verifier calls crypto.verify with no digest (SHA-256) and the key's default
  // padding (PKCS#1 v1.5): P-384's SHA-384 and PSS are refused there, though valid DSSE.
  { spec: 'ec-p384', algorithm: 'ecdsa-p384-sha384', sigstore: false },
  { spec: 'rsa-2048', algorithm: 'rsa-pss-sha256', sigstore: false },
];

describe('in-toto attestations as Sigstore bundles', () => {
  let soft: SoftKeyProvider;

  beforeAll(async () => {
    soft = await openTestStore(join(await tempDir(), 'keys'));
    await soft.generateKey({ name: 'ec-p256', spec: 'ec-p256' });
    await soft.generateKey({ name: 'ec-p384', spec: 'ec-p384' });
    await soft.generateKey({ name: 'rsa-2048', spec: 'rsa-2048' });
  });

  for (const { spec, algorithm, sigstore } of CASES) {
    describe(`signed with ${algorithm}`, () => {
      let bundle: SigstoreBundle;
      let spki: Uint8Array;
      let hint: string;

      beforeAll(async () => {
        const signer = await createSigner(soft, `soft://${spec}`, { algorithm });
        spki = signer.key.publicKey;
        hint = publicKeyHint(spki);
        bundle = toSigstoreBundle(await signInTotoStatement(signer, statement, { keyid: hint }), { publicKey: spki });
        bundle = JSON.parse(JSON.stringify(bundle)) as SigstoreBundle; // as written to a file
      });

      it('verifies with our verifier, which returns the statement', () => {
        expect(verifySigstoreBundle(bundle, { publicKey: spki, algorithm }).statement).toEqual(statement);
      });

      it(`is ${sigstore ? 'accepted' : 'refused'} by @sigstore/verify with the public key`, () => {
        if (sigstore) sigstoreVerify(bundle, hint, spki);
        else expect(() => sigstoreVerify(bundle, hint, spki)).toThrow(/signature verification failed/);
      });

      it('is refused when the predicate or a subject digest changed', () => {
        const edits = [
          tampered(bundle, (s) => (s.predicate = { ...s.predicate, runDetails: { builder: 'evil' } })),
          tampered(bundle, (s) => (s.subject[1]!.digest.sha256 = sha256('other sbom'))),
        ];
        for (const changed of edits) {
          expect(() => verifySigstoreBundle(changed, { publicKey: spki, algorithm })).toThrow(
            expect.objectContaining({ code: 'VERIFICATION_FAILED' }),
          );
          if (sigstore) expect(() => sigstoreVerify(changed, hint, spki)).toThrow(/signature verification failed/);
        }
      });
    });
  }

  it('is refused with another key', async () => {
    const signer = await createSigner(soft, 'soft://ec-p256');
    const bundle = toSigstoreBundle(await signInTotoStatement(signer, statement), { hint: 'release' });
    const other = (await soft.getKey('soft://ec-p384')).publicKey;
    const wrong = (await createSigner(soft, 'soft://rsa-2048')).key.publicKey;
    expect(() => sigstoreVerify(bundle, 'release', wrong)).toThrow(/signature verification failed/);
    for (const publicKey of [other, wrong]) {
      expect(() => verifySigstoreBundle(bundle, { publicKey })).toThrow(
        expect.objectContaining({ code: 'VERIFICATION_FAILED' }),
      );
    }
  });
});
