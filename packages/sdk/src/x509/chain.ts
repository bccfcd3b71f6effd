import type * as pkijs from 'pkijs';
import { SignetError } from '../errors/errors.js';
import { algorithmFromIdentifiers } from './algorithm-identifier.js';
import { formatName, parseCertificate } from './certificate.js';
import { canIssueCertificates } from './extensions.js';
import { verifySignedBytes } from './verify-signature.js';

export interface TrustedChainOptions {
  /** DER certificates that end a chain (roots, or a pinned leaf). */
  trusted: readonly Uint8Array[];
  /** DER certificates that may sit between the leaf and a trusted one (a CMS `certificates` set). Default none. */
  intermediates?: readonly Uint8Array[];
  /** When the chain must be valid. Default: now. */
  now?: Date;
}

interface Node {
  readonly der: Buffer;
  readonly cert: pkijs.Certificate;
}

/** Longest path tried; real code-signing chains have 2–4 certificates. */
const MAX_LENGTH = 8;

/**
 * Finds a path from `leaf` to one of `options.trusted`: each certificate's issuer name is the next
 * one's subject, its signature verifies under the next one's key, and every issuer is a CA. A
 * trusted certificate ends the path, so a pinned self-signed leaf is a path of one. Every
 * certificate on the path must be valid at `now`. No revocation checking.
 *
 * @returns the DER chain, leaf first and the trusted certificate last; `undefined` when no path
 * reaches a trusted certificate and none was cut short.
 * @throws SignetError `VERIFICATION_FAILED` when no path reaches a trusted certificate and one was cut
 * short by a certificate outside its validity at `now` or an issuer that is not a CA (the message
 * says which); `INVALID_CERTIFICATE` when a certificate does not parse.
 * @example
 * ```ts
 * const chain = buildTrustedChain(leafDer, { trusted: [rootDer], intermediates: embedded });
 * if (!chain) console.log('not trusted');
 * ```
 */
export function buildTrustedChain(leaf: Uint8Array, options: TrustedChainOptions): Uint8Array[] | undefined {
  const now = options.now ?? new Date();
  const anchors = options.trusted.map(toNode);
  const pool = [...anchors, ...(options.intermediates ?? []).map(toNode)];
  // A broken link ends its branch; it is reported only when no other branch reaches a trusted certificate.
  let problem: SignetError | undefined;
  const walk = (path: Node[]): Node[] | undefined => {
    const current = path[path.length - 1]!;
    const expired = validityProblem(current.cert, now);
    if (expired) {
      problem ??= expired;
      return undefined;
    }
    if (anchors.some((a) => a.der.equals(current.der))) return path;
    if (path.length >= MAX_LENGTH) return undefined;
    for (const candidate of pool) {
      if (path.some((p) => p.der.equals(candidate.der)) || !issuedBy(current.cert, candidate.cert)) continue;
      if (!canIssueCertificates(candidate.cert)) {
        problem ??= new SignetError(
          'VERIFICATION_FAILED',
          `${formatName(candidate.cert.subject)} signed a certificate but is not a CA`,
        );
        continue;
      }
      const found = walk([...path, candidate]);
      if (found) return found;
    }
    return undefined;
  };
  const chain = walk([toNode(leaf)]);
  if (!chain && problem) throw problem;
  return chain?.map((n) => new Uint8Array(n.der));
}

function toNode(der: Uint8Array): Node {
  return { der: Buffer.from(der), cert: parseCertificate(der) };
}

/** Whether `issuer` names and signed `child`. A signature algorithm Signet does not know never verifies. */
function issuedBy(child: pkijs.Certificate, issuer: pkijs.Certificate): boolean {
  const nameOf = (name: pkijs.RelativeDistinguishedNames) => Buffer.from(name.toSchema().toBER(false));
  if (!nameOf(child.issuer).equals(nameOf(issuer.subject))) return false;
  try {
    const algorithm = algorithmFromIdentifiers({
      signature: child.signatureAlgorithm,
      publicKey: issuer.subjectPublicKeyInfo,
    });
    return verifySignedBytes({
      algorithm,
      data: child.tbsView,
      signature: child.signatureValue.valueBlock.valueHexView,
      publicKey: new Uint8Array(issuer.subjectPublicKeyInfo.toSchema().toBER(false)),
    });
  } catch {
    return false;
  }
}

function validityProblem(cert: pkijs.Certificate, now: Date): SignetError | undefined {
  const subject = formatName(cert.subject);
  if (now < cert.notBefore.value) {
    return new SignetError(
      'VERIFICATION_FAILED',
      `The certificate of ${subject} is not valid before ${cert.notBefore.value.toISOString()}`,
    );
  }
  if (now > cert.notAfter.value) {
    return new SignetError(
      'VERIFICATION_FAILED',
      `The certificate of ${subject} expired on ${cert.notAfter.value.toISOString()}`,
    );
  }
  return undefined;
}
