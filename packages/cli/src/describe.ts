import { SignetError, type KeyInfo } from '@signet/sdk';
import { describeCertificate, type CertificateSummary } from '@signet/sdk/x509';
import { keyFingerprint, publicKeyPem } from './key-material.js';
import { formatDate, formatTime, table } from './output.js';

/*
 * How keys and certificates read, as text and as JSON. Shared by `keys`, `sign` and `verify` so a
 * certificate looks the same wherever it appears.
 */

const USAGES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'server auth',
  '1.3.6.1.5.5.7.3.2': 'client auth',
  '1.3.6.1.5.5.7.3.3': 'code signing',
  '1.3.6.1.5.5.7.3.4': 'email protection',
  '1.3.6.1.5.5.7.3.8': 'time stamping',
};

/** A key URI from what the user typed: a bare name means a software key. */
export function keyUri(arg: string): string {
  if (arg.includes(':')) return arg;
  if (arg === '') throw new SignetError('INVALID_KEY_URI', 'The key URI is empty (expected e.g. soft://NAME)');
  return `soft://${arg}`;
}

/** A certificate summary as JSON: no key bytes, dates as ISO text. */
export function certificateJson(summary: CertificateSummary): Record<string, unknown> {
  return {
    subject: summary.subject,
    issuer: summary.issuer,
    serialNumber: summary.serialNumber,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    extendedKeyUsage: summary.extendedKeyUsage,
    selfSigned: summary.selfSigned,
    fingerprint: summary.fingerprint,
  };
}

/** Indented lines that describe one certificate. */
export function certificateText(summary: CertificateSummary, now = new Date()): string {
  const usage = summary.extendedKeyUsage.map((oid) => USAGES[oid] ?? oid).join(', ') || 'any';
  const expired = summary.notAfter < now ? '  (expired)' : '';
  return table([
    ['  Subject', summary.subject],
    ['  Issuer', summary.selfSigned ? `${summary.issuer} (self-signed)` : summary.issuer],
    ['  Serial', summary.serialNumber],
    ['  Valid', `${formatTime(summary.notBefore)} to ${formatTime(summary.notAfter)}${expired}`],
    ['  Usage', usage],
    ['  SHA-256', summary.fingerprint],
  ]);
}

/** `CN=Release, until 2026-11-27` for tables. */
export function certificateLine(summary: CertificateSummary, now = new Date()): string {
  return `${summary.subject}, ${summary.notAfter < now ? 'expired' : 'until'} ${formatDate(summary.notAfter)}`;
}

/** The certificates of a key, parsed. */
export function certificatesOf(key: KeyInfo): CertificateSummary[] {
  return key.certificates.map((der) => describeCertificate(der));
}

/** A key as JSON: public facts only. */
export function keyJson(key: KeyInfo): Record<string, unknown> {
  return {
    uri: key.uri,
    name: key.name,
    type: key.spec,
    algorithms: key.algorithms,
    createdAt: key.createdAt,
    fingerprint: keyFingerprint(key.publicKey),
    publicKey: publicKeyPem(key.publicKey),
    certificates: certificatesOf(key).map(certificateJson),
  };
}
