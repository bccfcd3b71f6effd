import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSigner } from '@signet/sdk';
import { createSoftKeyProvider } from '@signet/sdk/soft';
import { issueCertificate, issueSelfSignedCertificate, toPem } from '@signet/sdk/x509';

/**
 * The same RSA-2048 key on both sides of a comparison with a peer tool: imported into a software
 * key store for ours, and as PEM files for theirs, with a certificate from a test CA.
 * Files: `key` (PKCS#8), `cert` (the leaf), `chain` (leaf then CA), `ca`.
 */
export async function sharedRsaKey(work) {
  const soft = await createSoftKeyProvider({
    directory: join(work, 'keys'),
    secret: { passphrase: 'bench' },
    scryptCost: { N: 1024, r: 8, p: 1 },
  });
  const ca = await createSigner(soft, (await soft.generateKey({ name: 'ca', spec: 'ec-p256' })).uri);
  const caCert = await issueSelfSignedCertificate(ca, {
    subject: { commonName: 'Bench CA' },
    certificateAuthority: true,
  });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = await soft.importKey({ name: 'release', pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }) });
  const leaf = await issueCertificate(key.publicKey, {
    subject: { commonName: 'Bench release' },
    issuer: { signer: ca, certificate: caCert },
  });
  await soft.setCertificates({ key: key.uri, certificates: [leaf, caCert] });
  const files = {
    key: join(work, 'key.pem'),
    cert: join(work, 'leaf.pem'),
    chain: join(work, 'chain.pem'),
    ca: join(work, 'ca.pem'),
  };
  await writeFile(files.key, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  await writeFile(files.cert, toPem('CERTIFICATE', leaf));
  await writeFile(files.chain, toPem('CERTIFICATE', leaf) + toPem('CERTIFICATE', caCert));
  await writeFile(files.ca, toPem('CERTIFICATE', caCert));
  return { soft, signer: await createSigner(soft, key.uri, { algorithm: 'rsa-pkcs1-sha256' }), files };
}
