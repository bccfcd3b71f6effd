import { timingSafeEqual } from 'node:crypto';
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import type { HashAlgorithm, SignatureAlgorithm } from '../../algorithms/algorithms.js';
import { digestBytes } from '../../digest/file-digest.js';
import { isSignetError, SignetError } from '../../errors/errors.js';
import type { TimestampInfo } from '../../timestamp/timestamp.js';
import { verifyTimestampToken } from '../../timestamp/token.js';
import { algorithmFromIdentifiers } from '../../x509/algorithm-identifier.js';
import { describeCertificate, parseCertificate, type CertificateSummary } from '../../x509/certificate.js';
import { buildTrustedChain } from '../../x509/chain.js';
import { hashFromIdentifier } from '../../x509/digest-identifier.js';
import { verifySignedBytes } from '../../x509/verify-signature.js';
import { readSignedAttributes } from '../cms/attributes.js';
import { parseCms } from '../cms/parse.js';
import { findSignerCertificate } from '../cms/signer-certificate.js';
import { peDigest } from './pe-digest.js';
import { readCertificateTable, readPeLayout, readRange } from './pe-file.js';
import { OID_SPC_INDIRECT_DATA, OID_SPC_NESTED_SIGNATURE, OID_SPC_RFC3161_TIMESTAMP, spcContentBytes } from './spc.js';

export interface AuthenticodeVerifyOptions {
  /** DER certificates to trust (roots, or a pinned signer certificate). Default none: `trusted` is false. */
  trustedCertificates?: readonly Uint8Array[];
  /** DER certificates to trust for a timestamp's TSA. Default none: `timestamp.trusted` is false. */
  trustedTimestampCertificates?: readonly Uint8Array[];
  /** When the chain must be valid. Default: now. */
  now?: Date;
  signal?: AbortSignal;
}

/** One valid Authenticode signature of a PE file. */
export interface AuthenticodeSignature {
  readonly signer: CertificateSummary;
  readonly algorithm: SignatureAlgorithm;
  /** The image digest the signature covers (equal to the file's). */
  readonly digest: Uint8Array;
  /** Whether the signer's chain reaches one of `trustedCertificates` (never without them). */
  readonly trusted: boolean;
  /** The RFC 3161 timestamp over the signature value, when there is one. */
  readonly timestamp?: TimestampInfo;
}

export interface AuthenticodeVerification {
  readonly kind: 'PE32' | 'PE32+';
  /** The primary signature first, then nested ones in order. */
  readonly signatures: readonly AuthenticodeSignature[];
}

/**
 * Verifies every Authenticode signature of a PE file (primary and nested): the image digest in
 * SpcIndirectDataContent equals the file's, messageDigest covers that content, and the signer
 * certificate's key verifies the signed attributes. With `trustedCertificates`, each chain must
 * also reach one of them for `trusted` to be true.
 *
 * @throws SignetError `INVALID_FORMAT` (not a PE), `VERIFICATION_FAILED` (unsigned, or any
 * signature that does not verify; the message says which and why), `IO_ERROR`.
 * @example
 * ```ts
 * const { signatures } = await verifyAuthenticode('app.exe', { trustedCertificates: [rootDer] });
 * ```
 */
export async function verifyAuthenticode(
  path: string,
  options: AuthenticodeVerifyOptions = {},
): Promise<AuthenticodeVerification> {
  const layout = await readPeLayout(path);
  const { offset, size } = layout.certificateTable;
  if (size === 0) throw failed(`${path} is not signed`);
  const blobs = readCertificateTable(await readRange(path, offset, size));
  if (blobs.length === 0) throw failed(`${path} has no Authenticode signature`);
  options.trustedCertificates?.forEach((der) => parseCertificate(der));
  const digests = new Map<HashAlgorithm, Promise<Uint8Array>>();
  const fileDigest = (hash: HashAlgorithm) => {
    if (!digests.has(hash)) digests.set(hash, peDigest(path, layout, hash, { signal: options.signal }));
    return digests.get(hash)!;
  };
  const signatures: AuthenticodeSignature[] = [];
  const pending = [...blobs];
  for (let blob = pending.shift(); blob; blob = pending.shift()) {
    const index = signatures.length;
    try {
      const { signature, nested } = await verifyOne(blob, fileDigest, options);
      signatures.push(signature);
      pending.push(...nested);
    } catch (cause) {
      if (isSignetError(cause, 'IO_ERROR', 'ABORTED')) throw cause;
      const why = cause instanceof Error ? cause.message : String(cause);
      throw failed(`Signature ${index} of ${path} does not verify: ${why}`, cause);
    }
  }
  return { kind: layout.kind, signatures };
}

async function verifyOne(
  blob: Uint8Array,
  fileDigest: (hash: HashAlgorithm) => Promise<Uint8Array>,
  options: AuthenticodeVerifyOptions,
): Promise<{ signature: AuthenticodeSignature; nested: Uint8Array[] }> {
  const { signedData, signerInfo, certificates } = parseCms(blob);
  const content = signedData.encapContentInfo;
  if (content.eContentType !== OID_SPC_INDIRECT_DATA || !(content.eContent instanceof asn1js.BaseBlock))
    throw failed('its content is not SpcIndirectDataContent');
  const spcDer = new Uint8Array(content.eContent.valueBeforeDecodeView);
  const { hash, digest } = readSpcDigest(content.eContent);
  const signerCert = findSignerCertificate(signerInfo, certificates);
  const signerDer = new Uint8Array(signerCert.toSchema().toBER(false));
  const signer = describeCertificate(signerDer);
  const algorithm = algorithmFromIdentifiers({
    signature: signerInfo.signatureAlgorithm,
    digest: signerInfo.digestAlgorithm,
    publicKey: signerCert.subjectPublicKeyInfo,
  });
  if (algorithm.hash !== hash) throw failed('its image digest and signature use different hashes');
  const attributes = readSignedAttributes(signerInfo);
  if (attributes.contentType !== OID_SPC_INDIRECT_DATA)
    throw failed('its content type attribute is not SPC indirect data');
  if (!same(attributes.messageDigest, digestBytes(hash, spcContentBytes(spcDer))))
    throw failed('its message digest does not match its SpcIndirectDataContent');
  const signatureValue = signerInfo.signature.valueBlock.valueHexView;
  if (!verifySignedBytes({ algorithm, data: attributes.der, signature: signatureValue, publicKey: signer.publicKey }))
    throw failed(`the signature is not valid for the key of ${signer.subject}`);
  if (!same(digest, await fileDigest(hash))) throw failed('the file does not match it (its image digest differs)');
  const embedded = certificates.map((c) => new Uint8Array(c.toSchema().toBER(false)));
  const chain = options.trustedCertificates
    ? buildTrustedChain(signerDer, { trusted: options.trustedCertificates, intermediates: embedded, now: options.now })
    : undefined;
  const timestamp = unsignedValues(signerInfo, OID_SPC_RFC3161_TIMESTAMP)[0];
  const nested = unsignedValues(signerInfo, OID_SPC_NESTED_SIGNATURE);
  return {
    signature: {
      signer,
      algorithm,
      digest,
      trusted: chain !== undefined,
      ...(timestamp
        ? {
            timestamp: verifyTimestampToken(timestamp, {
              input: { data: signatureValue },
              ...(options.trustedTimestampCertificates
                ? { trustedCertificates: options.trustedTimestampCertificates }
                : {}),
            }),
          }
        : {}),
    },
    nested,
  };
}

/** The DigestInfo of SpcIndirectDataContent: its hash and the image digest. */
function readSpcDigest(spc: asn1js.BaseBlock): { hash: HashAlgorithm; digest: Uint8Array } {
  const digestInfo = spc instanceof asn1js.Sequence ? spc.valueBlock.value[1] : undefined;
  const [algorithm, digest] = digestInfo instanceof asn1js.Sequence ? digestInfo.valueBlock.value : [];
  if (!(algorithm instanceof asn1js.Sequence) || !(digest instanceof asn1js.OctetString))
    throw failed('its SpcIndirectDataContent has no DigestInfo');
  const [oid, params] = algorithm.valueBlock.value;
  if (!(oid instanceof asn1js.ObjectIdentifier)) throw failed('its DigestInfo names no hash');
  const hash = hashFromIdentifier({
    algorithmId: oid.valueBlock.toString(),
    algorithmParams: params,
  } as pkijs.AlgorithmIdentifier);
  return { hash, digest: new Uint8Array(digest.valueBlock.valueHexView) };
}

/** The DER values of an unsigned attribute (every attribute of that type). */
function unsignedValues(signerInfo: pkijs.SignerInfo, type: string): Uint8Array[] {
  return (signerInfo.unsignedAttrs?.attributes ?? [])
    .filter((a) => a.type === type)
    .flatMap((a) => a.values as asn1js.BaseBlock[])
    .map((v) => new Uint8Array(v.toBER(false)));
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function failed(message: string, cause?: unknown): SignetError {
  return new SignetError('VERIFICATION_FAILED', message, cause === undefined ? {} : { cause });
}
