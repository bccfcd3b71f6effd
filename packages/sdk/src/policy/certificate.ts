import type { Condition } from './facts.js';
import { oneOf } from './facts.js';
import { compileGlobs } from './glob.js';
import type { CertificateConditions } from './schema.js';

/** The codeSigning extended key usage. Same value as `OID_CODE_SIGNING` in x509/certificate.ts,
 * written out so the policy subpath does not pull pkijs in. */
const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const DAY_MS = 86_400_000;

const day = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * The conditions of a rule's `certificate` block. Naming the block requires a certificate, valid
 * now; its fields add the rest. Each aspect is its own condition so every failing one is reported.
 */
export function certificateConditions(rules: CertificateConditions): Condition[] {
  const conditions: Condition[] = [
    ({ input }) =>
      input.certificate ? undefined : { code: 'CERTIFICATE_MISSING', message: 'the key has no certificate' },
    ({ input, now }) => {
      const cert = input.certificate;
      if (!cert) return undefined;
      if (now < cert.notBefore.getTime()) {
        return {
          code: 'CERTIFICATE_NOT_YET_VALID',
          message: `the certificate ${cert.subject} is valid from ${cert.notBefore.toISOString()}`,
        };
      }
      if (now >= cert.notAfter.getTime()) {
        return {
          code: 'CERTIFICATE_EXPIRED',
          message: `the certificate ${cert.subject} expired on ${cert.notAfter.toISOString()}`,
        };
      }
      return undefined;
    },
  ];
  const { minDaysLeft, requireCodeSigning, issuers } = rules;
  if (minDaysLeft !== undefined && minDaysLeft > 0) {
    conditions.push(({ input, now }) => {
      const cert = input.certificate;
      const left = cert ? cert.notAfter.getTime() - now : Infinity;
      // An expired certificate is reported once, as expired.
      if (!cert || left <= 0 || left >= minDaysLeft * DAY_MS) return undefined;
      return {
        code: 'CERTIFICATE_EXPIRES_SOON',
        message: `the certificate expires on ${day(cert.notAfter)}, ${Math.floor(left / DAY_MS)} days from now; the rule wants at least ${minDaysLeft}`,
      };
    });
  }
  if (requireCodeSigning) {
    conditions.push(({ input }) => {
      const cert = input.certificate;
      if (!cert || cert.extendedKeyUsage.includes(OID_CODE_SIGNING)) return undefined;
      return {
        code: 'CERTIFICATE_EKU',
        message: `the certificate ${cert.subject} lacks the codeSigning extended key usage (${OID_CODE_SIGNING})`,
      };
    });
  }
  if (issuers) {
    const match = compileGlobs(issuers);
    conditions.push(({ input }) => {
      const cert = input.certificate;
      if (!cert || match(cert.issuer)) return undefined;
      return {
        code: 'CERTIFICATE_ISSUER',
        message: `the certificate's issuer ${cert.issuer} is not ${oneOf(issuers)}`,
      };
    });
  }
  return conditions;
}
