import { describe, expect, it } from 'vitest';
import type { CertificateFacts } from '../../src/policy/index.js';
import { at, CERT, codes, DAY, decide, later, NOW, policyOf, request } from './helpers.js';

describe('an allow rule with certificate conditions', () => {
  it.each<[string, object, CertificateFacts | undefined, string[]]>([
    ['a valid certificate, any conditions', {}, CERT, []],
    ['no certificate', {}, undefined, ['CERTIFICATE_MISSING']],
    ['an expired certificate', {}, { ...CERT, notAfter: later(-DAY) }, ['CERTIFICATE_EXPIRED']],
    ['a certificate expiring this very moment', {}, { ...CERT, notAfter: NOW }, ['CERTIFICATE_EXPIRED']],
    ['a certificate not yet valid', {}, { ...CERT, notBefore: later(DAY) }, ['CERTIFICATE_NOT_YET_VALID']],
    ['enough days left', { minDaysLeft: 14 }, { ...CERT, notAfter: later(14 * DAY) }, []],
    [
      'too few days left',
      { minDaysLeft: 14 },
      { ...CERT, notAfter: later(14 * DAY - 1) },
      ['CERTIFICATE_EXPIRES_SOON'],
    ],
    [
      'expired, reported once, as expired',
      { minDaysLeft: 14 },
      { ...CERT, notAfter: later(-1) },
      ['CERTIFICATE_EXPIRED'],
    ],
    ['the codeSigning usage', { requireCodeSigning: true }, CERT, []],
    [
      'no codeSigning usage',
      { requireCodeSigning: true },
      { ...CERT, extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] },
      ['CERTIFICATE_EKU'],
    ],
    ['no usage at all', { requireCodeSigning: true }, { ...CERT, extendedKeyUsage: [] }, ['CERTIFICATE_EKU']],
    ['an allowed issuer', { issuers: ['CN=Acme Code Signing CA*'] }, CERT, []],
    [
      'another issuer',
      { issuers: ['CN=Acme Code Signing CA*'] },
      { ...CERT, issuer: 'CN=Evil CA' },
      ['CERTIFICATE_ISSUER'],
    ],
    [
      'every failing aspect at once',
      { minDaysLeft: 30, requireCodeSigning: true, issuers: ['CN=Acme*'] },
      { ...CERT, notAfter: at('2026-12-01T00:00:00Z'), issuer: 'CN=Evil', extendedKeyUsage: [] },
      ['CERTIFICATE_EXPIRES_SOON', 'CERTIFICATE_EKU', 'CERTIFICATE_ISSUER'],
    ],
  ])('%s', (_title, certificate, facts, expected) => {
    const policy = policyOf([{ name: 'r', allow: {}, certificate }]);
    const decision = decide(policy, request(), facts ? { certificate: facts } : {});
    expect(decision.effect).toBe(expected.length ? 'deny' : 'allow');
    if (expected.length) expect(codes(decision)).toEqual([...expected, 'NO_MATCHING_RULE']);
  });

  it('checks nothing about the certificate when the rule has no certificate block', () => {
    const policy = policyOf([{ name: 'r', allow: {} }]);
    expect(decide(policy, request(), { certificate: { ...CERT, notAfter: later(-DAY) } }).effect).toBe('allow');
  });
});
