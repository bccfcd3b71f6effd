import { createHash } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createInTotoStatement,
  IN_TOTO_PAYLOAD_TYPE,
  parseDsseEnvelope,
  parseInTotoStatement,
  parseSigstoreBundle,
  preAuthEncoding,
  signDsse,
  signInTotoStatement,
  toSigstoreBundle,
  verifyDsse,
  verifySigstoreBundle,
  type SigstoreBundle,
} from '../../../src/formats/dsse/index.js';
import { createSigner, isSignetError, type Signer } from '../../helpers/sdk.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';

/** Reads PAE back into its two parts, or undefined: proves the encoding is unambiguous. */
function decodePae(pae: Buffer): { type: Buffer; payload: Buffer } | undefined {
  const head = /^DSSEv1 (0|[1-9]\d*) /.exec(pae.toString('latin1'));
  if (!head) return undefined;
  const typeStart = head[0].length;
  const typeEnd = typeStart + Number(head[1]);
  const rest = /^ (0|[1-9]\d*) /.exec(pae.subarray(typeEnd).toString('latin1'));
  if (!rest) return undefined;
  const payloadStart = typeEnd + rest[0].length;
  if (pae.length - payloadStart !== Number(rest[1])) return undefined;
  return { type: pae.subarray(typeStart, typeEnd), payload: pae.subarray(payloadStart) };
}

const typedOnly = (codes: Parameters<typeof isSignetError>[1][]) => (error: unknown) => {
  if (!isSignetError(error, ...codes)) throw error;
};

describe('DSSE', () => {
  describe('the pre-authentication encoding', () => {
    it('matches the DSSE specification example', () => {
      const pae = preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world'));
      expect(Buffer.from(pae).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    });

    it('decodes back to the same type and payload, whatever they hold (byte lengths, not characters)', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), fc.uint8Array({ maxLength: 300 }), (type, payload) => {
          const decoded = decodePae(Buffer.from(preAuthEncoding(type, payload)));
          expect(decoded?.type.toString('utf8')).toBe(type);
          expect(decoded?.payload.equals(Buffer.from(payload))).toBe(true);
        }),
      );
    });
  });

  describe('in-toto statements', () => {
    const subjects = [{ name: 'a', digest: { sha256: 'ab'.repeat(32) } }];

    it('are refused without subjects, with a non-hex digest, or without a predicate type', () => {
      for (const input of [
        { subjects: [], predicateType: 'x' },
        { subjects: [{ name: 'a', digest: { sha256: 'AB' } }], predicateType: 'x' },
        { subjects: [{ name: 'a', digest: {} }], predicateType: 'x' },
        { subjects, predicateType: '' },
        { subjects, predicateType: 'x', predicate: [] as unknown as Record<string, unknown> },
      ]) {
        expect(() => createInTotoStatement(input)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      }
    });

    it('round-trip through a payload', () => {
      const statement = createInTotoStatement({ subjects, predicateType: 'https://x/v1' });
      expect(parseInTotoStatement(Buffer.from(JSON.stringify(statement)))).toEqual(statement);
    });
  });

  describe('signing and reading envelopes', () => {
    let signer: Signer;
    let bundle: SigstoreBundle;

    beforeAll(async () => {
      const soft = await openTestStore(join(await tempDir(), 'keys'));
      await soft.generateKey({ name: 'ec', spec: 'ec-p256' });
      signer = await createSigner(soft, 'soft://ec');
      const statement = createInTotoStatement({
        subjects: [{ name: 'a', digest: { sha256: createHash('sha256').update('a').digest('hex') } }],
        predicateType: 'https://signet.dev/attestation/signature/v1',
      });
      bundle = toSigstoreBundle(await signInTotoStatement(signer, statement), { publicKey: signer.key.publicKey });
    });

    it('sends the signer only the digest of PAE', async () => {
      const digests: Uint8Array[] = [];
      const recording: Signer = { ...signer, sign: (d, o) => (digests.push(d), signer.sign(d, o)) };
      const payload = Buffer.from('{"x":1}');
      const envelope = await signDsse(recording, { payloadType: 'application/json', payload });
      const pae = preAuthEncoding('application/json', payload);
      expect(Buffer.from(digests[0]!)).toEqual(createHash('sha256').update(pae).digest());
      expect(verifyDsse(envelope, { publicKey: signer.key.publicKey }).payload).toEqual(payload);
    });

    it('refuses a bundle whose payload type changed (PAE binds it)', () => {
      const copy = structuredClone(bundle);
      copy.dsseEnvelope.payloadType = 'application/json';
      expect(() => verifySigstoreBundle(copy, { publicKey: signer.key.publicKey })).toThrow(
        expect.objectContaining({ code: 'VERIFICATION_FAILED' }),
      );
    });

    it('answers random input with INVALID_FORMAT only', () => {
      fc.assert(
        fc.property(fc.oneof(fc.anything(), fc.json()), (value) => {
          try {
            parseDsseEnvelope(value);
          } catch (e) {
            typedOnly(['INVALID_FORMAT'])(e);
          }
          try {
            parseSigstoreBundle(value);
          } catch (e) {
            typedOnly(['INVALID_FORMAT'])(e);
          }
        }),
      );
    });

    it('answers a bundle with any field replaced by a typed error, or verifies it unchanged in meaning', () => {
      const paths = [
        ['mediaType'],
        ['verificationMaterial'],
        ['verificationMaterial', 'publicKey'],
        ['verificationMaterial', 'publicKey', 'hint'],
        ['dsseEnvelope'],
        ['dsseEnvelope', 'payload'],
        ['dsseEnvelope', 'payloadType'],
        ['dsseEnvelope', 'signatures'],
        ['dsseEnvelope', 'signatures', '0'],
        ['dsseEnvelope', 'signatures', '0', 'sig'],
        ['dsseEnvelope', 'signatures', '0', 'keyid'],
      ];
      fc.assert(
        fc.property(fc.constantFrom(...paths), fc.oneof(fc.anything(), fc.base64String()), (path, value) => {
          const copy = structuredClone(bundle) as unknown as Record<string, unknown>;
          let at = copy;
          for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
          at[path.at(-1)!] = value;
          try {
            const verified = verifySigstoreBundle(copy, { publicKey: signer.key.publicKey });
            expect(verified.envelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
          } catch (e) {
            typedOnly(['INVALID_FORMAT', 'VERIFICATION_FAILED'])(e);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('refuses non-base64 payloads and signatures rather than skipping characters', () => {
      const copy = structuredClone(bundle);
      copy.dsseEnvelope.payload = `${copy.dsseEnvelope.payload}!`;
      expect(() => parseSigstoreBundle(copy)).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
      expect(() => parseSigstoreBundle('{')).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
    });
  });
});
