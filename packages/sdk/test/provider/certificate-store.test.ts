import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createFileCertificateStore,
  createSigner,
  isSignetError,
  withCertificateStore,
  type KeyProvider,
} from '../../src/index.js';
import { issueSelfSignedCertificate } from '../../src/x509/index.js';
import type { SoftKeyProvider } from '../../src/provider/soft/index.js';
import { openTestStore } from '../helpers/soft.js';
import { tempDir } from '../helpers/temp.js';

/**
 * A backend that cannot hold certificates, as most cloud KMSs: the software store seen through
 * an interface without `setCertificates` (its own certificate storage unused).
 */
function certificateless(soft: SoftKeyProvider): KeyProvider {
  return {
    scheme: soft.scheme,
    capabilities: { generateKeys: false, signMessage: false, storeCertificates: false },
    listKeys: (o) => soft.listKeys(o),
    getKey: (uri, o) => soft.getKey(uri, o),
    sign: (p) => soft.sign(p),
  };
}

describe('withCertificateStore', () => {
  let dir: string;
  let soft: SoftKeyProvider;
  let certificate: Uint8Array;

  beforeAll(async () => {
    dir = await tempDir();
    soft = await openTestStore(join(dir, 'keys'));
    await soft.generateKey({ name: 'kms-like', spec: 'ec-p256' });
    await soft.generateKey({ name: 'other', spec: 'ec-p256' });
    certificate = await issueSelfSignedCertificate(await createSigner(soft, 'soft://kms-like'), {
      subject: { commonName: 'KMS key' },
    });
  });

  it('attaches a chain to a key whose backend cannot, and shows it in getKey and listKeys, also after reopening', async () => {
    const provider = withCertificateStore(certificateless(soft), createFileCertificateStore(join(dir, 'certs')));
    expect(provider.capabilities.storeCertificates).toBe(true);
    const updated = await provider.setCertificates!({ key: 'soft://kms-like', certificates: [certificate] });
    expect(updated.certificates).toEqual([certificate]);
    const reopened = withCertificateStore(certificateless(soft), createFileCertificateStore(join(dir, 'certs')));
    expect((await reopened.getKey('soft://kms-like')).certificates).toEqual([certificate]);
    const listed = await reopened.listKeys();
    expect(listed.find((k) => k.uri === 'soft://kms-like')!.certificates).toEqual([certificate]);
    expect(listed.find((k) => k.uri === 'soft://other')!.certificates).toEqual([]);
  });

  it('refuses a certificate for another key, and stores nothing', async () => {
    const store = createFileCertificateStore(join(dir, 'certs-2'));
    const provider = withCertificateStore(certificateless(soft), store);
    await expect(provider.setCertificates!({ key: 'soft://other', certificates: [certificate] })).rejects.toSatisfy(
      (e) => isSignetError(e, 'CERTIFICATE_KEY_MISMATCH'),
    );
    expect(await store.get('soft://other')).toBeUndefined();
  });

  it('leaves a backend that stores certificates itself in charge of them', async () => {
    const store = createFileCertificateStore(join(dir, 'certs-3'));
    const provider = withCertificateStore(soft, store);
    await provider.setCertificates!({ key: 'soft://kms-like', certificates: [certificate] });
    expect(await store.get('soft://kms-like')).toBeUndefined();
    expect((await soft.getKey('soft://kms-like')).certificates).toEqual([certificate]);
  });
});
