import type { Logger } from 'pino';
import { createSigner, isSignetError } from '@signet/sdk';
import type { SoftKeyProvider } from '@signet/sdk/soft';
import { assertTimestampCertificate } from '@signet/sdk/timestamp';
import { issueSelfSignedCertificate, OID_TIME_STAMPING } from '@signet/sdk/x509';

/**
 * Creates the software TSA key `soft://NAME` (P-256) on first start, with a self-signed TSA
 * certificate (EKU timeStamping, critical; 10 years, as tokens are checked long after they are
 * made), like the signing key's development certificate. A key that exists keeps its certificate,
 * which must be a TSA's, so a wrong one stops the start rather than every timestamp.
 *
 * @throws SignetError `INVALID_CERTIFICATE` when the key's certificate is not a TSA's (another purpose, or a non-critical EKU).
 */
export async function ensureSoftTsaKey(soft: SoftKeyProvider, name: string, logger: Logger): Promise<void> {
  const uri = `soft://${name}`;
  let key = await soft.getKey(uri).catch((error: unknown) => {
    if (isSignetError(error, 'KEY_NOT_FOUND')) return undefined;
    throw error;
  });
  // Another replica starting at the same moment may create it first: then use theirs.
  key ??= await soft.generateKey({ name, spec: 'ec-p256' }).catch((error: unknown) => {
    if (isSignetError(error, 'KEY_EXISTS')) return soft.getKey(uri);
    throw error;
  });
  if (key.certificates.length === 0) {
    const certificate = await issueSelfSignedCertificate(await createSigner(soft, uri), {
      subject: { commonName: 'Signet Timestamp Authority (development)' },
      extendedKeyUsage: [OID_TIME_STAMPING],
      validityDays: 3650,
    });
    await soft.setCertificates({ key: uri, certificates: [certificate] });
    logger.info({ key: uri }, 'self-signed TSA certificate created');
    return;
  }
  assertTimestampCertificate(key.certificates[0]!);
}
