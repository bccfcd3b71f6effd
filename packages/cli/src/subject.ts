import { SignetError } from '@signet/sdk';
import type { issueSelfSignedCertificate } from '@signet/sdk/x509';

/** The subject of a new certificate, as the SDK takes it. */
export type Subject = Parameters<typeof issueSelfSignedCertificate>[1]['subject'];

const FIELDS: Readonly<Record<string, keyof Subject>> = {
  CN: 'commonName',
  O: 'organization',
  OU: 'organizationalUnit',
  C: 'country',
};

/**
 * Parses `--subject`: `CN=Example Release, O=Example, OU=Build, C=DE` (commas inside a value
 * escaped as `\,`), or a bare name taken as the CN.
 *
 * @throws SignetError `INVALID_ARGUMENT` for an attribute other than CN, O, OU, C, or no CN.
 */
export function parseSubject(text: string): Subject {
  if (!text.includes('=')) return { commonName: text.trim() };
  const subject: Partial<Record<keyof Subject, string>> = {};
  for (const part of text.split(/(?<!\\),/)) {
    const match = /^\s*([A-Za-z]+)\s*=(.*)$/.exec(part);
    const field = match ? FIELDS[match[1]!.toUpperCase()] : undefined;
    if (!match || !field) {
      throw new SignetError('INVALID_ARGUMENT', `Subject part "${part.trim()}" is not one of CN=, O=, OU=, C=`);
    }
    if (subject[field] !== undefined) throw new SignetError('INVALID_ARGUMENT', `The subject names ${match[1]} twice`);
    subject[field] = match[2]!.replace(/\\,/g, ',').trim();
  }
  if (subject.commonName === undefined) throw new SignetError('INVALID_ARGUMENT', 'The subject needs a CN=');
  return subject as Subject;
}
