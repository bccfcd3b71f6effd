import { SignetError } from '@signet/sdk';
import type { Signer } from '@signet/sdk';
import {
  assertCertificateHoldsKey,
  issueCertificate,
  issueSelfSignedCertificate,
  parseCertificate,
  toPem,
  type DistinguishedName,
} from '@signet/sdk/x509';
import { OID_CLIENT_AUTH, signatureVerifies } from './x509-checks.js';

export interface AgentCaOptions {
  /** The CA's key, from any provider (e.g. `soft://agent-ca`); it only ever signs certificate digests. */
  signer: Signer;
  /** The CA's DER certificate from an earlier start. Default: a new self-signed CA certificate. */
  certificate?: Uint8Array;
  /** Subject of a new CA certificate. Default `{ commonName: 'Signet Agent CA' }`. */
  subject?: DistinguishedName;
  /** Validity of a new CA certificate, in days. Default 3650. */
  validityDays?: number;
}

/** The CA that issues agents' TLS client certificates. */
export interface AgentCa {
  /** DER CA certificate: persist it, and give it to the TLS server as its client `ca`. */
  readonly certificate: Uint8Array;
  readonly certificatePem: string;
  /** Issues a clientAuth certificate for `publicKey` (DER SPKI). */
  issue(publicKey: Uint8Array, params: { commonName: string; lifetimeMs: number }): Promise<Uint8Array>;
  /**
   * Whether `der` was issued by this CA: issuer name, signature and the clientAuth purpose. The CA
   * certificate itself is not a client certificate and is refused.
   */
  issued(der: Uint8Array): boolean;
}

const DAY_MS = 86_400_000;

/**
 * Opens the agent CA, issuing its self-signed certificate (CA:TRUE, keyCertSign) when none is given.
 *
 * @throws SignetError `CERTIFICATE_KEY_MISMATCH` or `INVALID_CERTIFICATE` when `certificate` is
 * not a CA certificate for `signer`'s key.
 * @example
 * ```ts
 * const ca = await createAgentCa({ signer: await createSigner(soft, 'soft://agent-ca') });
 * await saveSomewhere(ca.certificate); // pass it back as `certificate` next time
 * ```
 */
export async function createAgentCa(options: AgentCaOptions): Promise<AgentCa> {
  const { signer } = options;
  const certificate =
    options.certificate ??
    (await issueSelfSignedCertificate(signer, {
      subject: options.subject ?? { commonName: 'Signet Agent CA' },
      validityDays: options.validityDays ?? 3650,
      certificateAuthority: true,
    }));
  assertCertificateHoldsKey([certificate], signer.key.publicKey);
  const caCert = parseCertificate(certificate);
  const caName = Buffer.from(caCert.subject.toSchema().toBER(false));

  return {
    certificate,
    certificatePem: toPem('CERTIFICATE', certificate),
    issue(publicKey, { commonName, lifetimeMs }) {
      if (!(lifetimeMs > 0)) throw new SignetError('INVALID_ARGUMENT', 'A certificate lifetime must be positive');
      return issueCertificate(publicKey, {
        subject: { commonName },
        issuer: { signer, certificate },
        validityDays: lifetimeMs / DAY_MS,
        extendedKeyUsage: [OID_CLIENT_AUTH],
      });
    },
    issued(der) {
      if (Buffer.from(der).equals(Buffer.from(certificate))) return false;
      try {
        const cert = parseCertificate(der);
        const eku = cert.extensions?.find((e) => e.extnID === '2.5.29.37')?.parsedValue as
          { keyPurposes?: string[] } | undefined;
        return (
          Buffer.from(cert.issuer.toSchema().toBER(false)).equals(caName) &&
          signatureVerifies(cert, caCert.subjectPublicKeyInfo) &&
          (eku?.keyPurposes ?? []).includes(OID_CLIENT_AUTH)
        );
      } catch {
        return false;
      }
    },
  };
}
